// ZoneIndexer: precomputes the links the answer path follows (zone cuts, wildcard children,
// additional section targets), so that answering needs no search and no allocation.
#pragma once

#include "zone/snapshot.h"

namespace holdfast::zone {

class ZoneIndexer {
public:
  // Sets Node::cut_, delegation_, wildcard_ and additional_ of every node in `zone`, and fills
  // zone.additional_. REQUIRES: every node, empty non-terminals included, is in zone.nodes_, each
  // points at its RRsets, and no node or RRset moves afterwards (the links point into them).
  static void index(Zone& zone);

private:
  static void linkCutsAndWildcards(Zone& zone);
  static void findAdditionalTargets(Zone& zone);
  static void addTargets(Zone& zone, const Node& node);
};

}  // namespace holdfast::zone
