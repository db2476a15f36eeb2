// Alarms raised by the SVR key manager (seed 004 "Events and Alarms") and
// their `show alarms` rendering.
//
// Plain values produced by the SVR router engine as actions; the integrator
// keeps the active set. Severities follow the seed: certificate expiring
// within a month MINOR, within a week MAJOR, expired CRITICAL, revoked
// CRITICAL; unable to authenticate a peer is MAJOR.
#ifndef CYGNET_KEYMGMT_SVR_ALARMS_H_
#define CYGNET_KEYMGMT_SVR_ALARMS_H_

#include <string>
#include <vector>

#include "absl/time/time.h"

namespace cygnet::keymgmt::svr {

enum class AlarmSeverity { kMinor, kMajor, kCritical };

// What the alarm is about; one alarm per (kind, source) is active at a time.
enum class AlarmKind {
  kLocalCertificate,          // this router's own certificate
  kPeerCertificate,           // a peer's certificate: expiry, revocation
  kUnableToAuthenticatePeer,  // bad chain, name mismatch, bad signature
  kLocalCertificateUnsigned,  // trusted CAs configured, own cert self-signed
};

struct Alarm {
  std::string id;  // "<node>:<sequence>"
  absl::Time time;
  AlarmSeverity severity = AlarmSeverity::kMinor;
  AlarmKind kind = AlarmKind::kPeerCertificate;
  std::string source;    // peer router name, or this router's name
  std::string category;  // "PEER" or "ROUTER"
  std::string message;
};

const char* AlarmSeverityName(AlarmSeverity severity);  // "MAJOR", ...

// The seed's `show alarms` table.
std::string RenderAlarmTable(const std::vector<Alarm>& alarms);
// The seed's `show alarms id ID` detail block.
std::string RenderAlarmDetail(const Alarm& alarm, absl::Time now);

}  // namespace cygnet::keymgmt::svr

#endif  // CYGNET_KEYMGMT_SVR_ALARMS_H_
