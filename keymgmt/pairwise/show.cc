#include "keymgmt/pairwise/show.h"

#include <algorithm>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "keymgmt/pairwise/config.h"

namespace cygnet::keymgmt::pairwise {
namespace {

using Row = std::vector<std::string>;

std::string Table(const Row& header, const std::vector<Row>& rows) {
  std::vector<size_t> width(header.size());
  for (size_t i = 0; i < header.size(); ++i) width[i] = header[i].size();
  for (const Row& r : rows) {
    for (size_t i = 0; i < r.size() && i < width.size(); ++i) {
      width[i] = std::max(width[i], r[i].size());
    }
  }
  std::string out;
  auto line = [&](const Row& r) {
    std::string l;
    for (size_t i = 0; i < r.size(); ++i) {
      absl::StrAppend(&l, r[i]);
      if (i + 1 < r.size()) l.append(width[i] - r[i].size() + 2, ' ');
    }
    absl::StrAppend(&out, l, "\n");
  };
  line(header);
  for (const Row& r : rows) line(r);
  return out;
}

std::string Short(const std::string& fingerprint) {
  if (fingerprint.empty()) return "-";
  return absl::AsciiStrToUpper(fingerprint.substr(0, 4));
}

std::string Spi(uint32_t spi) { return absl::StrFormat("%08X", spi); }

std::string Auth(const DeviceEngine& d) {
  return d.config().security.authenticated() ? "true" : "false";
}

}  // namespace

std::string ShowPwkOutboundConnections(const DeviceEngine& device) {
  std::vector<Row> rows;
  for (const DeviceEngine::PairView& p : device.Pairs()) {
    Row r = {p.local_transport.address.ToString(),
             absl::StrCat(p.local_transport.port),
             p.remote_transport.address.ToString(),
             absl::StrCat(p.remote_transport.port),
             SystemIpString(p.local.system_ip),
             std::string(ColorName(p.local.color)),
             SystemIpString(p.remote.system_ip),
             std::string(ColorName(p.remote.color))};
    if (p.pairwise && p.outbound) {
      r.insert(
          r.end(),
          {Spi(p.outbound->outbound_spi), absl::StrCat(p.outbound_sa_index),
           absl::StrCat(p.outbound->peer_generation), Short(p.peer_public_hash),
           Short(p.peer_nonce_hash), Short(p.outbound->shared_secret_hash),
           Short(p.outbound->encrypt_key_hash), Auth(device)});
    } else {
      r.insert(r.end(), {p.pairwise ? "-" : Spi(0),
                         absl::StrCat(p.outbound_sa_index), "0", "-", "-", "-",
                         Short(p.peer_symmetric_key_hash), Auth(device)});
    }
    rows.push_back(std::move(r));
  }
  return Table({"SOURCE IP", "SOURCE PORT", "DEST IP", "DEST PORT",
                "LOCAL TLOC ADDRESS", "LOCAL TLOC COLOR", "REMOTE TLOC ADDRESS",
                "REMOTE TLOC COLOR", "REMOTE PWK-SPI", "SA INDEX", "PKEY ID",
                "PKEY HASH", "NONCE HASH", "SS HASH", "E-KEY HASH", "AH AUTH"},
               rows);
}

std::string ShowPwkInboundConnections(const DeviceEngine& device) {
  std::vector<Row> rows;
  const std::vector<DeviceEngine::LocalView> locals = device.Locals();
  for (const DeviceEngine::PairView& p : device.Pairs()) {
    const DeviceEngine::LocalView& local = locals[p.slot];
    const Row prefix = {p.remote_transport.address.ToString(),
                        absl::StrCat(p.remote_transport.port),
                        p.local_transport.address.ToString(),
                        absl::StrCat(p.local_transport.port),
                        SystemIpString(p.remote.system_ip),
                        std::string(ColorName(p.remote.color)),
                        SystemIpString(p.local.system_ip),
                        std::string(ColorName(p.local.color))};
    if (p.pairwise) {
      for (const DeviceEngine::ComboView& c : p.combos) {
        Row r = prefix;
        const bool current = c.own_generation == local.generation;
        r.insert(r.end(), {Spi(c.inbound_spi), absl::StrCat(c.sa_index),
                           absl::StrCat(c.own_generation),
                           current ? Short(local.public_hash) : "(old)",
                           current ? Short(local.nonce_hash) : "(old)",
                           Short(c.shared_secret_hash),
                           Short(c.decrypt_key_hash), Auth(device)});
        rows.push_back(std::move(r));
      }
    } else {
      for (uint32_t spi : p.symmetric_inbound_spis) {
        Row r = prefix;
        r.insert(r.end(),
                 {Spi(spi), absl::StrCat(p.symmetric_sa_index), "0", "-", "-",
                  "-", Short(p.own_symmetric_key_hash), Auth(device)});
        rows.push_back(std::move(r));
      }
    }
  }
  return Table({"SOURCE IP", "SOURCE PORT", "DEST IP", "DEST PORT",
                "REMOTE TLOC ADDRESS", "REMOTE TLOC COLOR",
                "LOCAL TLOC ADDRESS", "LOCAL TLOC COLOR", "LOCAL PWK-SPI",
                "SA INDEX", "PKEY ID", "LOCAL PKEY HASH", "LOCAL NONCE HASH",
                "SS HASH", "D-KEY HASH", "AH AUTH"},
               rows);
}

std::string ShowPwkLocalSa(const DeviceEngine& device) {
  std::vector<Row> rows;
  for (const DeviceEngine::LocalView& l : device.Locals()) {
    rows.push_back(
        {SystemIpString(l.id.system_ip), std::string(ColorName(l.id.color)),
         l.transport.address.ToString(), absl::StrCat(l.transport.port),
         absl::StrCat(l.tloc_index), absl::StrCat(l.sa_index),
         absl::StrCat(l.generation), Short(l.public_hash), Short(l.nonce_hash),
         Short(l.symmetric_key_hash)});
  }
  return Table({"TLOC-ADDRESS", "TLOC-COLOR", "SOURCE-IP", "SOURCE-PORT", "SPI",
                "SA-INDEX", "PKEY-ID", "PKEY-HASH", "NONCE-HASH", "SA-HASH"},
               rows);
}

std::string ShowSecurityInfo(const DeviceEngine& device) {
  return RenderSecurityInfo(device.config().security);
}

}  // namespace cygnet::keymgmt::pairwise
