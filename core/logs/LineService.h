#pragma once

#include <QByteArrayView>
#include <QString>

namespace obslab {

struct ParsedLine;

// The one rule for "the service a line is about", shared by the Service column, the trace lane
// and the `svc:` filter so that they never disagree:
// - an outbound line names it in its upstream cluster (`outbound|9080||reviews.default.svc…`):
//   the cluster's FQDN;
// - an inbound line's cluster names no service, so the authority's host is used, without its
//   port (an IPv6 literal such as `[::1]:8080` keeps its brackets and loses only the port).
// - a line with neither (the tutorial's custom format) gives its own `service=` value as logged.
// Empty when the line names none of these.
QByteArrayView serviceOf(const ParsedLine& p, QByteArrayView line);

// The service's short name for a narrow column: a Kubernetes service's DNS name loses its
// namespace and domain (`reviews.default.svc.cluster.local` → `reviews`); any other name
// (`httpbin.org`, an IP address, an IPv6 literal) stays whole.
QByteArrayView shortServiceName(QByteArrayView service);

}  // namespace obslab
