// The one place that includes libknot, libzscanner and libdnssec: their headers have no
// extern "C" guards of their own.
#pragma once

extern "C" {
#include <libdnssec/error.h>
#include <libknot/libknot.h>
#include <libzscanner/scanner.h>
}
