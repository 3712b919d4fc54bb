#include "terrafate/core/state_record.hpp"

#include <stdexcept>

namespace terrafate {

const std::vector<double>& StateRecord::value(const std::string& name) const {
  const auto found = values.find(name);
  if (found == values.end()) throw std::out_of_range("the checkpoint has no value '" + name + "'");
  return found->second;
}

} // namespace terrafate
