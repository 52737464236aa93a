// The parts of answerQuery that fill a response once header, question and EDNS are checked.
#pragma once

#include "dns/query.h"
#include "dns/response.h"
#include "zone/answer.h"
#include "zone/snapshot.h"

namespace holdfast::zone {

// Class IN: RFC 1034 section 4.3.2 over every zone of the snapshot, with referrals, wildcards
// (RFC 4592), CNAME and DNAME chains (RFC 6672), negative answers (RFC 2308) and additional
// section processing; ANY per RFC 8482 section 4.1.
void answerInternet(const Snapshot& snapshot,
                    const dns::Query& query,
                    Transport transport,
                    dns::Response& response) noexcept;

// Class CH: TXT for id.server., hostname.bind., version.server. and version.bind. when the
// snapshot has them; everything else REFUSED. Never authoritative.
void answerChaos(const Snapshot& snapshot,
                 const dns::Query& query,
                 dns::Response& response) noexcept;

}  // namespace holdfast::zone
