// The `resolver:` section of the configuration file.
#pragma once

#include <yaml-cpp/yaml.h>

#include "common/result.h"
#include "config/config_reader_internal.h"
#include "resolver/resolver_options.h"

namespace holdfast::config {

// Reads the `resolver:` mapping into `options` (starting from its defaults). Every error names
// file:line:column and the field ("resolver.upstreams[1]: '10.0.0.x' is not an IP address").
[[nodiscard]] Status readResolver(const Reader& r,
                                  const YAML::Node& node,
                                  resolver::ResolverOptions& options);

// Reads `data_dir`, `metrics`, `alerts` and `probe` of the `resolver:` mapping
// (resolver_ops_config.cc).
[[nodiscard]] Status readResolverOps(const Reader& r,
                                     const YAML::Node& node,
                                     resolver::ResolverOptions& options);

}  // namespace holdfast::config
