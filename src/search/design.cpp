#include "terrafate/search/design.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <stdexcept>

namespace terrafate::search {

DesignSpace::DesignSpace(std::vector<DesignParameter> parameters)
    : parameters_(std::move(parameters)) {
  for (const auto& p : parameters_) {
    if (p.discrete && p.choices.empty())
      throw std::invalid_argument("design parameter " + p.action + "." + p.parameter +
                                  ": no choices");
    if (!p.discrete && !(p.low < p.high))
      throw std::invalid_argument("design parameter " + p.action + "." + p.parameter +
                                  ": the range must have low < high");
  }
  for (int pass = 0; pass < 2; ++pass)
    for (std::size_t n = 0; n < parameters_.size(); ++n)
      if (parameters_[n].discrete == (pass == 1)) order_.push_back(n);
}

std::size_t DesignSpace::integer_dimension() const {
  return static_cast<std::size_t>(std::count_if(parameters_.begin(), parameters_.end(),
                                                [](const auto& p) { return p.discrete; }));
}

std::vector<double> DesignSpace::lower_bounds() const {
  std::vector<double> bounds;
  for (const std::size_t n : order_)
    bounds.push_back(parameters_[n].discrete ? 0.0 : parameters_[n].low);
  return bounds;
}

std::vector<double> DesignSpace::upper_bounds() const {
  std::vector<double> bounds;
  for (const std::size_t n : order_) {
    const auto& p = parameters_[n];
    bounds.push_back(p.discrete ? static_cast<double>(p.choices.size() - 1) : p.high);
  }
  return bounds;
}

std::vector<double> DesignSpace::canonical(const std::vector<double>& x) const {
  if (x.size() != order_.size())
    throw std::invalid_argument("decision vector of the wrong dimension");
  std::vector<double> y(x.size());
  for (std::size_t k = 0; k < order_.size(); ++k) {
    const auto& p = parameters_[order_[k]];
    y[k] = p.discrete ? std::clamp(std::round(x[k]), 0.0, static_cast<double>(p.choices.size() - 1))
                      : std::clamp(x[k], p.low, p.high);
  }
  return y;
}

std::vector<double> DesignSpace::decode(const std::vector<double>& x) const {
  const auto y = canonical(x);
  std::vector<double> values(parameters_.size());
  for (std::size_t k = 0; k < order_.size(); ++k) {
    const auto& p = parameters_[order_[k]];
    values[order_[k]] = p.discrete ? p.choices[static_cast<std::size_t>(y[k])] : y[k];
  }
  return values;
}

std::vector<double> DesignSpace::encode(const std::vector<double>& values) const {
  if (values.size() != parameters_.size())
    throw std::invalid_argument("design values of the wrong dimension");
  std::vector<double> x(values.size());
  for (std::size_t k = 0; k < order_.size(); ++k) {
    const auto& p = parameters_[order_[k]];
    const double value = values[order_[k]];
    if (p.discrete) {
      const auto found = std::find(p.choices.begin(), p.choices.end(), value);
      if (found == p.choices.end())
        throw std::invalid_argument("design parameter " + p.action + "." + p.parameter +
                                    ": value is not among the choices");
      x[k] = static_cast<double>(found - p.choices.begin());
    } else {
      x[k] = value;
    }
  }
  return x;
}

bool dominates(const std::vector<double>& a, const std::vector<double>& b) {
  constexpr double inf = std::numeric_limits<double>::infinity();
  bool better = false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    const double x = std::isnan(a[i]) ? inf : a[i];
    const double y = std::isnan(b[i]) ? inf : b[i];
    if (x > y) return false;
    if (x < y) better = true;
  }
  return better;
}

std::vector<std::size_t> non_dominated(const std::vector<std::vector<double>>& points) {
  std::vector<std::size_t> front;
  for (std::size_t i = 0; i < points.size(); ++i)
    if (std::none_of(points.begin(), points.end(),
                     [&](const auto& other) { return dominates(other, points[i]); }))
      front.push_back(i);
  return front;
}

} // namespace terrafate::search
