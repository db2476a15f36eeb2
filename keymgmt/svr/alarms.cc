#include "keymgmt/svr/alarms.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"

namespace cygnet::keymgmt::svr {

const char* AlarmSeverityName(AlarmSeverity severity) {
  switch (severity) {
    case AlarmSeverity::kMinor:
      return "MINOR";
    case AlarmSeverity::kMajor:
      return "MAJOR";
    case AlarmSeverity::kCritical:
      return "CRITICAL";
  }
  return "?";
}

std::string RenderAlarmTable(const std::vector<Alarm>& alarms) {
  const std::string rule =
      "=============== ===================== ============ "
      "==================== ================ "
      "========================================================================"
      "\n";
  std::string out = rule;
  out += absl::StrFormat("%-15s %-21s %-12s %-20s %-16s %s\n", "ID", "Time",
                         "Severity", "Source", "Category", "Message");
  out += rule;
  for (const Alarm& a : alarms) {
    out += absl::StrFormat(
        "%-15s %-21s %-12s %-20s %-16s %s\n", a.id,
        absl::FormatTime("%Y-%m-%d %H:%M:%S", a.time, absl::UTCTimeZone()),
        AlarmSeverityName(a.severity), a.source, a.category, a.message);
  }
  return out;
}

std::string RenderAlarmDetail(const Alarm& a, absl::Time now) {
  const std::string rule(92, '=');
  std::string out;
  out +=
      absl::FormatTime("%a %Y-%m-%d %H:%M:%S UTC\n", now, absl::UTCTimeZone());
  out += "\u2714 Retrieving alarms...\n";
  out += rule + "\n" + a.id + "\n" + rule + "\n";
  out += absl::StrCat(
      "Time: ",
      absl::FormatTime("%Y-%m-%d %H:%M:%S", a.time, absl::UTCTimeZone()), "\n");
  out += absl::StrCat("Severity: ", AlarmSeverityName(a.severity), "\n");
  out += absl::StrCat("Source: ", a.source, "\n");
  out += absl::StrCat("Category: ", a.category, "\n");
  out += "Process: stateMonitor\n";
  out += absl::StrCat("Message: ", a.message, "\n");
  return out;
}

}  // namespace cygnet::keymgmt::svr
