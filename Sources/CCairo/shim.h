// Cairo's image, SVG and PDF surfaces.
#include <cairo.h>
#include <cairo-pdf.h>
#include <cairo-svg.h>
