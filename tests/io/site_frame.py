"""The grid-to-site mapping of a georeferenced grid, written out independently of terrafate
for the georeference tests: a grid turned by `angle` degrees (counter-clockwise) about its
origin O maps the grid-frame point (x, y) [m] to O + R(angle) ((x, y) - O)."""

import math


def rotate(origin, x, y, angle):
    """Grid-frame point (x, y) [m] -> site coordinates for a grid turned by `angle` about
    `origin`."""
    a = math.radians(angle)
    dx, dy = x - origin[0], y - origin[1]
    return (origin[0] + math.cos(a) * dx - math.sin(a) * dy,
            origin[1] + math.sin(a) * dx + math.cos(a) * dy)
