#!/usr/bin/python3
"""cygnet ikev2_peer <-> strongSwan charon interoperability tests.

Each case builds two network namespaces joined by a veth pair: "cygnet"
(192.168.77.1, ikev2_peer with a TUN device, inner address 10.2.0.1) and
"charon" (192.168.77.2, charon-systemd with kernel-libipsec, inner address
10.1.0.1 on lo). It writes strongswan.conf / swanctl.conf and
the cygnet running configuration for the case, runs the exchange, and checks:
the IKE SA and the child SA are up on both sides (cygnet's events, `swanctl
--list-sas`), the keys charon logs (filelog ike=4, chd=4) equal the keys
cygnet derived (ikev2_peer --insecure_log_keys), and ping crosses the tunnel
in both directions (kernel -> TUN -> cygnet ESP -> charon's userspace ESP and
back). Rekey, delete and DPD cases drive either side (ikev2_peer
--stdin_commands, swanctl --rekey / --terminate) and check the result the
same way. Every process started is stopped and every namespace removed, also
on failure or SIGTERM.

Usage: interop_test.py IKEV2_PEER [--key-server=KEY_SERVER] CASE [CASE...]
(CASE "all" runs every one; ppk_dynamic_cygnet_pair needs --key-server)
Exit 0 when every case passed; prints SKIP and exits 0 only when root or
network namespaces are missing.
"""
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time

CHARON = "/usr/sbin/charon-systemd"
SWANCTL = "/usr/sbin/swanctl"
CYGNET_ADDR = "192.168.77.1"
CHARON_ADDR = "192.168.77.2"
CYGNET_INNER = "10.2.0.1"
CHARON_INNER = "10.1.0.1"
PSK = "interop-psk-0123456789abcdef"

# Suites: (cygnet ikev2 proposal lines, cygnet transform, charon IKE
# proposal, charon ESP proposal, group number).
SUITES = {
    "cbc": (["encryption aes-cbc-256", "integrity sha-256", "prf sha-256",
             "dh-group 20"], "esp-256-aes esp-hmac-sha-256",
            "aes256-sha256-prfsha256-ecp384", "aes256-sha256"),
    # The seeds' suite with `set pfs group19` (KE in CREATE_CHILD_SA).
    "cbc_pfs19": (["encryption aes-cbc-256", "integrity sha-256",
                   "prf sha-256", "dh-group 20"],
                  "esp-256-aes esp-hmac-sha-256",
                  "aes256-sha256-prfsha256-ecp384", "aes256-sha256-ecp256"),
    "gcm19": (["encryption aes-gcm-256", "prf sha-256", "dh-group 19"],
              "esp-gcm-256", "aes256gcm16-prfsha256-ecp256", "aes256gcm16"),
    "gcm21": (["encryption aes-gcm-256", "prf sha-256", "dh-group 21"],
              "esp-gcm-256", "aes256gcm16-prfsha256-ecp521", "aes256gcm16"),
}

# name: (suite, identities, who initiates, action)
CASES = {
    "cbc_g20_addr_cygnet_initiates": ("cbc", "addr", "cygnet", None),
    "cbc_g20_addr_charon_initiates": ("cbc", "addr", "charon", None),
    "gcm_g19_addr_cygnet_initiates": ("gcm19", "addr", "cygnet", None),
    "gcm_g21_addr_charon_initiates": ("gcm21", "addr", "charon", None),
    "cbc_g20_fqdn_cygnet_initiates": ("cbc", "fqdn", "cygnet", None),
    "gcm_g19_fqdn_charon_initiates": ("gcm19", "fqdn", "charon", None),
    "child_rekey_by_cygnet": ("cbc", "addr", "cygnet", "rekey-child:cygnet"),
    "child_rekey_by_charon": ("cbc", "addr", "cygnet", "rekey-child:charon"),
    "child_rekey_pfs19_by_cygnet": ("cbc_pfs19", "addr", "cygnet",
                                    "rekey-child:cygnet"),
    "child_rekey_pfs19_by_charon": ("cbc_pfs19", "addr", "charon",
                                    "rekey-child:charon"),
    "ike_rekey_by_cygnet": ("cbc", "addr", "cygnet", "rekey-ike:cygnet"),
    "ike_rekey_by_charon": ("cbc", "addr", "cygnet", "rekey-ike:charon"),
    # The same with charon as the original IKE initiator (cygnet responder).
    "ike_rekey_by_cygnet_responder": ("gcm19", "addr", "charon",
                                      "rekey-ike:cygnet"),
    "ike_rekey_by_charon_initiator": ("gcm19", "addr", "charon",
                                      "rekey-ike:charon"),
    "child_rekey_by_cygnet_responder": ("gcm19", "addr", "charon",
                                        "rekey-child:cygnet"),
    "delete_by_cygnet_responder": ("gcm19", "addr", "charon",
                                   "delete:cygnet"),
    "delete_by_cygnet": ("cbc", "addr", "cygnet", "delete:cygnet"),
    "delete_by_charon": ("cbc", "addr", "cygnet", "delete:charon"),
    "dpd_detects_stopped_charon": ("cbc", "addr", "cygnet", "dpd"),
    "dpd_charon_detects_stopped_cygnet": ("cbc", "addr", "cygnet",
                                          "dpd-charon"),
    "exit_after_established": ("cbc", "addr", "cygnet", "exit"),
    "wrong_psk_times_out_with_reason": ("cbc", "addr", "cygnet", "wrong-psk"),
    # Not strongSwan: two ikev2_peers, no NAT (so no float to 4500), which
    # exercises the raw IPPROTO_ESP path that kernel-libipsec never uses.
    "cygnet_pair_raw_esp": ("cbc", "addr", "cygnet", "cygnet-pair"),
    # RFC 8784 manual PPK (PPK_CASES below says who requires what).
    "ppk_manual_cygnet_initiates": ("cbc", "addr", "cygnet", "ppk"),
    "ppk_manual_charon_initiates": ("gcm19", "addr", "charon", "ppk"),
    "ppk_both_required_cygnet_initiates": ("cbc", "addr", "cygnet", "ppk"),
    "ppk_both_required_charon_initiates": ("gcm19", "addr", "charon", "ppk"),
    "ppk_cygnet_optional_charon_required": ("cbc", "addr", "cygnet", "ppk"),
    "ppk_mismatched_id_cygnet_optional": ("cbc", "addr", "cygnet",
                                          "ppk-mismatch"),
    # Rekeys of a PPK-protected IKE SA: the new keys come from the mixed SK_d
    # (checked against charon's after the rekey).
    "ppk_ike_rekey_by_cygnet": ("cbc", "addr", "cygnet",
                                "ppk:rekey-ike:cygnet"),
    "ppk_child_rekey_by_charon": ("gcm19", "addr", "charon",
                                  "ppk:rekey-child:charon"),
    "ppk_mismatched_id_cygnet_optional_charon_required": (
        "cbc", "addr", "cygnet", "ppk-mismatch"),
    # Not strongSwan: dynamic PPK (SKIP) between two ikev2_peers, each asking
    # its own side of one examples/key_server (needs --key-server=PATH).
    "ppk_dynamic_cygnet_pair": ("cbc", "addr", "cygnet", "ppk-dynamic"),
    # The same with no key_server listening: `required` fails with the
    # reason; without `required` both fall back to authentication without PPK.
    "ppk_dynamic_key_server_down_required": ("cbc", "addr", "cygnet",
                                             "ppk-dynamic-down-required"),
    "ppk_dynamic_key_server_down_optional": ("cbc", "addr", "cygnet",
                                             "ppk-dynamic-down-optional"),
}

KEY_SERVER = None  # examples/key_server, from --key-server=PATH
KME_PORT_A, KME_PORT_B = 18001, 18002

PPK_ID = "ppk-cyg-1"
PPK_SECRET = "interop-ppk-0123456789abcdef0123456789abcdef"
# case: (cygnet's `required`, the PPK ID cygnet sends, charon's ppk_required).
# charon always has the PPK under PPK_ID and `ppk_id = PPK_ID`.
PPK_CASES = {
    "ppk_manual_cygnet_initiates": (False, PPK_ID, False),
    "ppk_manual_charon_initiates": (False, PPK_ID, False),
    "ppk_both_required_cygnet_initiates": (True, PPK_ID, True),
    "ppk_both_required_charon_initiates": (True, PPK_ID, True),
    "ppk_cygnet_optional_charon_required": (False, PPK_ID, True),
    "ppk_ike_rekey_by_cygnet": (True, PPK_ID, True),
    "ppk_child_rekey_by_charon": (False, PPK_ID, False),
    "ppk_mismatched_id_cygnet_optional": (False, "ppk-other-2", False),
    "ppk_mismatched_id_cygnet_optional_charon_required": (
        False, "ppk-other-2", True),
}


class Failure(Exception):
    pass


def log(message):
    sys.stderr.write("interop: %s\n" % message)
    sys.stderr.flush()


def run(args, check=True, timeout=20):
    result = subprocess.run(args, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, timeout=timeout)
    text = result.stdout.decode(errors="replace")
    if check and result.returncode != 0:
        raise Failure("%s failed (%d): %s" % (" ".join(args),
                                               result.returncode, text))
    return text


def skip_reason():
    if os.geteuid() != 0:
        return "not root (needs network namespaces, veth, TUN)"
    for tool in (CHARON, SWANCTL, "/usr/bin/ping"):
        if not os.path.exists(tool):
            return "%s missing (install the packages in .ci/packages.txt)" % tool
    if shutil.which("ip") is None:
        return "ip (iproute2) missing"
    probe = "cygprobe%d" % os.getpid()
    try:
        run(["ip", "netns", "add", probe])
        run(["ip", "netns", "del", probe])
    except Exception as e:  # noqa: BLE001 - any failure means no namespaces
        return "cannot create network namespaces: %s" % e
    if not os.path.exists("/dev/net/tun"):
        return "/dev/net/tun missing"
    return None


class Case:
    def __init__(self, peer_binary, name, spec, workdir):
        self.peer_binary = peer_binary
        self.name = name
        self.suite, self.ids, self.initiator, self.action = spec
        self.dir = workdir
        tag = "%d%s" % (os.getpid() % 100000, name[:3])
        self.ns_cygnet = "cyg%sa" % tag
        self.ns_charon = "cyg%sb" % tag
        self.namespaces = []
        self.veth = ("cya%d" % (os.getpid() % 100000),
                     "cyb%d" % (os.getpid() % 100000))
        self.charon = None
        self.peer = None
        self.peer_log_path = os.path.join(self.dir, "ikev2_peer.log")
        self.peer_out_path = os.path.join(self.dir, "ikev2_peer.out")
        self.charon_log_path = os.path.join(self.dir, "charon.log")
        # Not under self.dir: Bazel's output paths exceed the 108-byte
        # sun_path limit, and charon truncates them, so parallel cases whose
        # names share a prefix would end up on one socket.
        self.vici_dir = tempfile.mkdtemp(prefix="cygvici")
        self.vici = "unix://" + os.path.join(self.vici_dir, "charon.vici")

    # ---- setup -------------------------------------------------------------

    def ns(self, namespace, *args):
        return ["ip", "netns", "exec", namespace] + list(args)

    def setup_network(self):
        for ns in (self.ns_cygnet, self.ns_charon):
            run(["ip", "netns", "add", ns])
            self.namespaces.append(ns)
            run(self.ns(ns, "ip", "link", "set", "lo", "up"))
        # Named per test process: Bazel runs cases in parallel.
        run(["ip", "link", "add", self.veth[0], "netns", self.ns_cygnet,
             "type", "veth", "peer", "name", self.veth[1], "netns",
             self.ns_charon])
        run(self.ns(self.ns_cygnet, "ip", "addr", "add", CYGNET_ADDR + "/24",
                    "dev", self.veth[0]))
        run(self.ns(self.ns_cygnet, "ip", "link", "set", self.veth[0], "up"))
        run(self.ns(self.ns_charon, "ip", "addr", "add", CHARON_ADDR + "/24",
                    "dev", self.veth[1]))
        run(self.ns(self.ns_charon, "ip", "link", "set", self.veth[1], "up"))
        # The inner address sits on lo (this kernel has no dummy links).
        run(self.ns(self.ns_charon, "ip", "addr", "add", CHARON_INNER + "/32",
                    "dev", "lo"))
        # cygnet's side: a persistent TUN that ikev2_peer attaches to.
        run(self.ns(self.ns_cygnet, "ip", "tuntap", "add", "dev", "cygtun",
                    "mode", "tun"))
        run(self.ns(self.ns_cygnet, "ip", "addr", "add", CYGNET_INNER + "/32",
                    "dev", "cygtun"))
        run(self.ns(self.ns_cygnet, "ip", "link", "set", "cygtun", "up"))
        run(self.ns(self.ns_cygnet, "ip", "route", "add", CHARON_INNER + "/32",
                    "dev", "cygtun", "src", CYGNET_INNER))

    def write_charon_config(self):
        ike_proposal, esp_proposal = SUITES[self.suite][2:4]
        conf = os.path.join(self.dir, "strongswan.conf")
        with open(conf, "w") as f:
            f.write("""charon {
  load_modular = no
  load = random nonce openssl pem pkcs1 x509 pubkey aes sha1 sha2 hmac gcm kdf curve25519 kernel-libipsec kernel-netlink socket-default vici
  install_virtual_ip = no
  retransmit_tries = 3
  retransmit_timeout = 1.0
  retransmit_base = 1.4
  plugins {
    vici {
      socket = %s
    }
  }
  filelog {
    interop {
      path = %s
      time_format = %%H:%%M:%%S
      default = 1
      ike = 4
      chd = 4
      cfg = 2
      net = 2
      enc = 1
      knl = 2
      flush_line = yes
    }
  }
}
""" % (self.vici, self.charon_log_path))
        if self.ids == "fqdn":
            local_id, remote_id = "charon.example.com", "cygnet.example.com"
        else:
            local_id, remote_id = CHARON_ADDR, CYGNET_ADDR
        dpd = "dpd_delay = 2s" if self.action == "dpd-charon" else ""
        ppk_secret = ""
        if self.name in PPK_CASES:
            dpd += "\n    ppk_id = %s\n    ppk_required = %s" % (
                PPK_ID, "yes" if PPK_CASES[self.name][2] else "no")
            ppk_secret = ("  ppk-1 {\n    secret = \"%s\"\n    id = %s\n  }\n"
                          % (PPK_SECRET, PPK_ID))
        swanctl_dir = os.path.join(self.dir, "swanctl")
        os.makedirs(swanctl_dir, exist_ok=True)
        with open(os.path.join(swanctl_dir, "swanctl.conf"), "w") as f:
            f.write("""connections {
  cyg {
    version = 2
    local_addrs = %s
    remote_addrs = %s
    proposals = %s
    rekey_time = 0
    %s
    local {
      auth = psk
      id = %s
    }
    remote {
      auth = psk
      id = %s
    }
    children {
      net {
        local_ts = %s/32
        remote_ts = %s/32
        esp_proposals = %s
        rekey_time = 0
        start_action = none
      }
    }
  }
}
secrets {
  ike-cyg {
    id-1 = %s
    id-2 = %s
    secret = "%s"
  }
%s}
""" % (CHARON_ADDR, CYGNET_ADDR, ike_proposal, dpd, local_id, remote_id,
       CHARON_INNER, CYGNET_INNER, esp_proposal, local_id, remote_id, PSK,
       ppk_secret))
        self.strongswan_conf = conf
        self.swanctl_conf = os.path.join(swanctl_dir, "swanctl.conf")

    def write_cygnet_config(self):
        proposal_lines, transform = SUITES[self.suite][0:2]
        if self.ids == "fqdn":
            # Seed 001: the initiator finds the keyring peer by the address
            # it connects to, the responder by the identity it receives.
            keyring_peer = ("peer charon\n  pre-shared-key %s\n"
                            "  address %s 255.255.255.255\n"
                            "  identity fqdn charon.example.com\n  exit\n"
                            % (PSK, CHARON_ADDR))
            profile_ids = ("match identity remote fqdn charon.example.com\n"
                           "identity local fqdn cygnet.example.com\n")
        else:
            keyring_peer = ("peer charon\n  pre-shared-key %s\n"
                            "  address %s 255.255.255.255\n  exit\n"
                            % (PSK, CHARON_ADDR))
            profile_ids = ("match identity remote address %s 255.255.255.255\n"
                           % CHARON_ADDR)
        dpd = "ikev2 dpd 10 2 periodic\n" if self.action == "dpd" else ""
        if self.action == "wrong-psk":
            keyring_peer = keyring_peer.replace(PSK, PSK + "-wrong")
        if self.name in PPK_CASES:
            required, ppk_id, _ = PPK_CASES[self.name]
            keyring_peer = keyring_peer.replace(
                "  pre-shared-key", "  ppk manual id %s key %s%s\n"
                "  pre-shared-key" % (ppk_id, PPK_SECRET,
                                      " required" if required else ""))
            profile_ids += "keyring ppk keys_interop\n"
        sks = ""
        if (self.action or "").startswith("ppk-dynamic"):
            # SKIP's remoteSystemID is the keyring peer's name: the other
            # side's key provider (key_server's side B is "KP_B").
            keyring_peer = keyring_peer.replace(
                "peer charon\n", "peer KP_B\n  ppk dynamic sks_interop%s\n"
                % ("" if self.action.endswith("optional") else " required"))
            profile_ids += "keyring ppk keys_interop\n"
            sks = ("sks profile sks_interop type remote\n"
                   "kme server ipv4 %s port %d\nexit\n!\n"
                   % (CYGNET_ADDR, KME_PORT_A))
        dpd = sks + dpd
        text = """! generated by testing/interop/interop_test.py (%s)
%sikev2 proposal prop_interop
%s
exit
!
ikev2 policy pol_interop
match address local %s
proposal prop_interop
exit
keyring keys_interop
%sexit
!
ikev2 profile prof_interop
authentication local pre-shared
keyring keys_interop
lifetime 3600
%sexit
!
ipsec transform-set ts_interop
mode tunnel
transform %s
exit
!
ipsec profile ipsec_interop
set ikev2-profile prof_interop
set security-association lifetime seconds 3600
%sset transform-set ts_interop
exit
!
interface tunnel-ip1
ipv4 address %s 255.255.255.255
tunnel mode ipsec ipv4
tunnel source %s
tunnel destination %s
tunnel protection ipsec profile ipsec_interop
exit
""" % (self.name, dpd, "\n".join(proposal_lines), CYGNET_ADDR, keyring_peer,
       profile_ids, transform,
       "set pfs group19\n" if self.suite == "cbc_pfs19" else "",
       CYGNET_INNER, CYGNET_ADDR, CHARON_ADDR)
        self.cygnet_conf = os.path.join(self.dir, "cygnet.cfg")
        with open(self.cygnet_conf, "w") as f:
            f.write(text)

    def start_charon(self):
        env = dict(os.environ)
        env.pop("NOTIFY_SOCKET", None)
        env["STRONGSWAN_CONF"] = self.strongswan_conf
        self.charon_stdout = open(os.path.join(self.dir, "charon.stdout"), "w")
        self.charon = subprocess.Popen(self.ns(self.ns_charon, CHARON),
                                       env=env, stdout=self.charon_stdout,
                                       stderr=subprocess.STDOUT)
        deadline = time.time() + 10
        while time.time() < deadline:
            if self.charon.poll() is not None:
                raise Failure("charon exited early (%d)" % self.charon.returncode)
            r = subprocess.run(self.ns(self.ns_charon, SWANCTL, "--stats",
                                       "--uri", self.vici),
                               stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL)
            if r.returncode == 0:
                break
            time.sleep(0.1)
        else:
            raise Failure("charon's vici socket never answered")
        self.swanctl("--load-all", "--file", self.swanctl_conf)

    def swanctl(self, *args, check=True, timeout=20):
        return run(self.ns(self.ns_charon, SWANCTL, *args, "--uri", self.vici),
                   check=check, timeout=timeout)

    def start_peer(self, initiate):
        # The documented spellings (dashes) for the product flags.
        args = [self.peer_binary, "--config=" + self.cygnet_conf,
                "--local=" + CYGNET_ADDR, "--remote=" + CHARON_ADDR,
                "--tun=cygtun", "--insecure_log_keys", "--stdin_commands",
                "--timeout=%d" % (5 if self.action in ("wrong-psk", "ppk-mismatch",
                                                 "ppk-dynamic-down-required")
                                  else 40)]
        if self.action == "exit":
            args.append("--exit-after-established")
        if initiate:
            args.append("--initiate")
        self.peer_log = open(self.peer_log_path, "w")
        self.peer_out = open(self.peer_out_path, "w")
        self.peer = subprocess.Popen(self.ns(self.ns_cygnet, *args),
                                     stdin=subprocess.PIPE,
                                     stdout=self.peer_out,
                                     stderr=self.peer_log)

    def peer_command(self, command):
        self.peer.stdin.write((command + "\n").encode())
        self.peer.stdin.flush()

    # ---- observation -------------------------------------------------------

    def peer_text(self):
        with open(self.peer_log_path) as f:
            return f.read()

    def charon_text(self):
        try:
            with open(self.charon_log_path) as f:
                return f.read()
        except FileNotFoundError:
            return ""

    def wait_for(self, what, predicate, timeout):
        deadline = time.time() + timeout
        while time.time() < deadline:
            if predicate():
                return
            if self.peer is not None and self.peer.poll() is not None:
                break
            time.sleep(0.1)
        if predicate():
            return
        raise Failure("timed out waiting for %s" % what)

    def peer_count(self, pattern):
        return len(re.findall(pattern, self.peer_text()))

    def ping(self, namespace, target, source):
        out = run(self.ns(namespace, "ping", "-c", "3", "-i", "0.2", "-W", "2",
                          "-I", source, target), check=False)
        m = re.search(r"(\d+) packets transmitted, (\d+) received", out)
        if m is None or m.group(2) == "0":
            raise Failure("ping %s -> %s failed: %s" % (source, target,
                                                        out.strip()[-300:]))
        log("ping %s -> %s: %s/%s replies" % (source, target, m.group(2),
                                                m.group(1)))

    def check_traffic(self):
        self.ping(self.ns_cygnet, CHARON_INNER, CYGNET_INNER)
        self.ping(self.ns_charon, CYGNET_INNER, CHARON_INNER)

    def list_sas(self):
        return self.swanctl("--list-sas", "--raw", check=False)

    # ---- key comparison ----------------------------------------------------

    @staticmethod
    def charon_keys(text):
        """Every hex dump charon logged at level 4: [(label, hex)]."""
        out = []
        lines = text.splitlines()
        i = 0
        while i < len(lines):
            m = re.search(r"\] (.+?) => (\d+) bytes @ 0x[0-9a-f]+", lines[i])
            if not m:
                i += 1
                continue
            label, size = m.group(1), int(m.group(2))
            data = ""
            i += 1
            while i < len(lines) and len(data) < 2 * size:
                d = re.search(r"\]\s+\d+: ((?:[0-9A-F]{2} ?)+)", lines[i])
                if not d:
                    break
                data += d.group(1).replace(" ", "").lower()
                i += 1
            out.append((label, data[:2 * size]))
        return out

    def compare_keys(self):
        """Every key cygnet derived equals the key charon logged under the
        same name: SK_x as "Sk_x secret"; a child SA's keys as charon's
        "encryption/integrity initiator/responder key", with cygnet's
        outbound keys one direction and its inbound keys the other."""
        dumps = self.charon_keys(self.charon_text())
        labels = {}
        for label, value in dumps:
            labels.setdefault(value, set()).add(label)
        compared = 0

        def check(field, value, allowed):
            found = labels.get(value, set()) & set(allowed)
            if not found:
                raise Failure("cygnet's %s=%s... is not among charon's %s "
                              "(%d dumps)" % (field, value[:16], allowed,
                                              len(dumps)))
            return found

        text = self.peer_text()
        ike_lines = re.findall(r"INSECURE-KEY IKE (.*)", text)
        child_lines = re.findall(r"INSECURE-KEY CHILD (.*)", text)
        if not ike_lines or not child_lines:
            raise Failure("cygnet logged no keys")
        for line in ike_lines:
            for field, value in re.findall(r"(SK_\w+)=([0-9a-f]*)", line):
                if value:
                    check(field, value, ["Sk_%s secret" % field[3:]])
                    compared += 1
        for line in child_lines:
            fields = dict(re.findall(r"(\w+)=([0-9a-f]*)", line))
            out_dir = None
            for field, kind in (("encr_out", "encryption"),
                                ("encr_in", "encryption"),
                                ("integ_out", "integrity"),
                                ("integ_in", "integrity")):
                if not fields.get(field):
                    continue  # AEAD: no integrity key
                found = check(field, fields[field],
                              ["%s initiator key" % kind,
                               "%s responder key" % kind])
                direction = "initiator" if any("initiator" in l
                                               for l in found) else "responder"
                outbound = field.endswith("_out")
                if out_dir is None:
                    out_dir = direction if outbound else (
                        "responder" if direction == "initiator" else
                        "initiator")
                expected = out_dir if outbound else (
                    "responder" if out_dir == "initiator" else "initiator")
                if direction != expected:
                    raise Failure("child SA %s is charon's %s key; expected "
                                  "%s" % (field, direction, expected))
                compared += 1
        log("keys: %d cygnet keys (%d IKE SA, %d child SA lines) equal "
            "charon's logged keys of the same name and direction"
            % (compared, len(ike_lines), len(child_lines)))
        return compared

    # ---- the case ----------------------------------------------------------

    def establish(self):
        if self.initiator == "cygnet":
            self.start_peer(initiate=True)
        else:
            self.start_peer(initiate=False)
            time.sleep(0.3)
            self.swanctl("--initiate", "--child", "net", "--timeout", "15",
                         timeout=25)
        self.wait_for("cygnet CHILD_SA_INSTALLED",
                      lambda: self.peer_count(r"CHILD_SA_INSTALLED") >= 1, 20)
        self.wait_for("charon's CHILD_SA",
                      lambda: "INSTALLED" in self.list_sas(), 10)
        sas = self.list_sas()
        if "ESTABLISHED" not in sas:
            raise Failure("charon lists no ESTABLISHED IKE SA: %s" % sas)
        if self.ids == "fqdn":
            established = re.findall(r"IKE_SA_ESTABLISHED.*", self.peer_text())
            if not established or "charon.example.com" not in established[0]:
                raise Failure("cygnet did not see charon's FQDN identity: %s"
                              % established)
            if "cygnet.example.com" not in sas:
                raise Failure("charon did not see cygnet's FQDN identity: %s"
                              % sas)
        log("established: cygnet CHILD_SA_INSTALLED; charon IKE SA "
            "ESTABLISHED, CHILD_SA INSTALLED")

    def check_show(self):
        """SIGUSR1 prints the seed's show outputs with the live SAs."""
        before = len(open(self.peer_out_path).read())
        self.peer.send_signal(signal.SIGUSR1)
        self.wait_for("show output", lambda: "ESP packets sent" in open(
            self.peer_out_path).read()[before:], 5)
        out = open(self.peer_out_path).read()[before:]
        sas = self.list_sas()
        spis = re.findall(r"spi-(?:in|out)=([0-9a-f]{8})", sas)
        if len(spis) != 2:
            raise Failure("charon lists SPIs %s: %s" % (spis, sas))
        for needle in ["show ikev2 session detail", "READY", "show ipsec sa",
                       "tunnel-ip1"] + ["0x" + spi for spi in spis]:
            if needle not in out:
                raise Failure("SIGUSR1 output lacks %r:\n%s" % (needle, out))
        log("SIGUSR1: show ikev2 session detail / show ipsec sa list the "
            "child SA with charon's SPIs %s" % spis)

    def run_action(self):
        if self.action is None:
            return
        if self.action == "exit":
            try:
                rc = self.peer.wait(timeout=10)
            except subprocess.TimeoutExpired:
                raise Failure("--exit-after-established did not exit")
            out = open(self.peer_out_path).read()
            if rc != 0 or "READY" not in out or "show ipsec sa" not in out:
                raise Failure("--exit-after-established: exit %d, output:\n%s"
                              % (rc, out))
            self.peer = None
            log("--exit-after-established: exit 0 after printing the status")
            return
        if self.action == "dpd":
            log("stopping charon (SIGKILL) to test dead peer detection")
            self.charon.kill()
            self.charon.wait()
            self.charon = None
            self.wait_for("cygnet DEAD_PEER",
                          lambda: self.peer_count(r"DEAD_PEER") >= 1, 55)
            log("cygnet reported DEAD_PEER: %s" % re.findall(
                r"DEAD_PEER.*", self.peer_text())[0])
            return
        if self.action == "dpd-charon":
            # First cygnet must answer charon's liveness checks.
            self.wait_for("charon's DPD requests answered", lambda: len(
                re.findall(r"sending DPD request", self.charon_text())) >= 2,
                          10)
            if "ESTABLISHED" not in self.list_sas():
                raise Failure("charon dropped the IKE SA while cygnet was up")
            log("charon sent %d DPD requests; cygnet answered, IKE SA up" %
                len(re.findall(r"sending DPD request", self.charon_text())))
            log("stopping ikev2_peer (SIGKILL): charon's DPD must notice")
            self.peer.kill()
            self.peer.wait()
            self.peer = None
            self.wait_for("charon giving up on cygnet",
                          lambda: "giving up after" in self.charon_text(), 30)
            self.wait_for("charon without SAs",
                          lambda: "ESTABLISHED" not in self.list_sas(), 10)
            log("charon: %s" % re.findall(r"giving up after.*",
                                           self.charon_text())[0])
            return
        what, who = self.action.split(":")
        if what == "rekey-child":
            before = self.peer_count(r"CHILD_SA_REKEYED")
            if who == "cygnet":
                self.peer_command("rekey-child")
            else:
                self.swanctl("--rekey", "--child", "net")
            self.wait_for("cygnet CHILD_SA_REKEYED", lambda: self.peer_count(
                r"CHILD_SA_REKEYED") > before, 15)
            self.wait_for("old child SA deleted on cygnet",
                          lambda: self.peer_count(r"CHILD_SA_DELETED") >= 1, 15)
            time.sleep(0.5)
            sas = self.list_sas()
            if sas.count("INSTALLED") != 1:
                raise Failure("charon should list one child SA after the "
                              "rekey: %s" % sas)
            self.check_traffic()
        elif what == "rekey-ike":
            if who == "cygnet":
                self.peer_command("rekey-ike")
            else:
                self.swanctl("--rekey", "--ike", "cyg")
            self.wait_for("cygnet IKE_SA_REKEYED",
                          lambda: self.peer_count(r"IKE_SA_REKEYED") >= 1, 15)
            time.sleep(1.0)
            sas = self.list_sas()
            if sas.count("ESTABLISHED") != 1:
                raise Failure("charon should list one IKE SA after the rekey: "
                              "%s" % sas)
            # The rekeyed IKE SA must work: a child rekey runs on it.
            self.peer_command("rekey-child")
            self.wait_for("child rekey on the rekeyed IKE SA",
                          lambda: self.peer_count(r"CHILD_SA_REKEYED") >= 1, 15)
            self.check_traffic()
        elif what == "delete":
            if who == "cygnet":
                self.peer_command("delete")
            else:
                self.swanctl("--terminate", "--ike", "cyg")
            self.wait_for("cygnet IKE_SA_DELETED",
                          lambda: self.peer_count(r"IKE_SA_DELETED") >= 1, 15)
            self.wait_for("charon without SAs",
                          lambda: "ESTABLISHED" not in self.list_sas(), 10)
            log("IKE SA deleted on both sides")

    def run_wrong_psk(self):
        self.start_peer(initiate=True)
        try:
            rc = self.peer.wait(timeout=15)
        except subprocess.TimeoutExpired:
            raise Failure("--timeout=5 did not end ikev2_peer")
        text = self.peer_text()
        m = re.search(r"not established within 5 s: (.*)", text)
        if rc == 0 or m is None or "AUTHENTICATION_FAILED" not in m.group(1):
            raise Failure("expected a non-zero exit naming AUTHENTICATION_FAILED"
                          ", got %d:\n%s" % (rc, text))
        if "ESTABLISHED" in self.list_sas():
            raise Failure("charon established an IKE SA with a wrong PSK")
        log("wrong PSK: ikev2_peer exit %d, '%s'" % (rc, m.group(0)))
        self.peer = None

    def check_ppk(self):
        """RFC 8784 was used on both sides with the same PPK: charon says so
        in its log and `--list-sas`, cygnet's show outputs say so, and the
        PPK-mixed SK_d/SK_pi/SK_pr equal charon's (the child SA keys, compared
        before, come from the mixed SK_d)."""
        text = self.charon_text()
        m = re.search(r"using PPK for PPK_ID '([^']*)'", text)
        if m is None or m.group(1) != PPK_ID:
            raise Failure("charon's log lacks \"using PPK for PPK_ID '%s'\""
                          % PPK_ID)
        plain = self.swanctl("--list-sas", check=False)
        if not re.search(r"/PPK\b", plain):
            raise Failure("swanctl --list-sas does not show PPK:\n%s" % plain)
        out = open(self.peer_out_path).read()
        for pattern in (r"Quantum resistance\s*: Enabled with manual PPK",
                        r"Quantum resistant\s*: Yes"):
            if not re.search(pattern, out):
                raise Failure("cygnet's show output lacks /%s/:\n%s"
                              % (pattern, out))
        mixed = re.findall(r"INSECURE-KEY IKE-PPK (.*)", self.peer_text())
        if len(mixed) != 1:
            raise Failure("cygnet logged %d PPK-mixed key lines" % len(mixed))
        dumps = {}
        for label, value in self.charon_keys(text):
            dumps.setdefault(value, set()).add(label)
        fields = re.findall(r"(SK_\w+)=([0-9a-f]+)", mixed[0])
        for field, value in fields:
            label = "Sk_%s secret" % field[3:]
            if label not in dumps.get(value, set()):
                raise Failure("cygnet's PPK-mixed %s=%s... is not charon's %s"
                              % (field, value[:16], label))
        unmixed = re.findall(r"INSECURE-KEY IKE (.*)", self.peer_text())[0]
        if dict(fields)["SK_d"] in unmixed:
            raise Failure("the PPK-mixed SK_d equals the unmixed one")
        log("PPK: charon \"%s\", list-sas %s, cygnet 'Enabled with manual "
            "PPK' / 'Quantum resistant : Yes', %d PPK-mixed keys equal "
            "charon's" % (m.group(0), re.search(r"\S*/PPK\b", plain).group(0),
                          len(fields)))

    def run_ppk_mismatch(self):
        """cygnet (PPK optional) sends a PPK ID charon has no PPK for, with
        NO_PPK_AUTH. RFC 8784 would let the responder fall back to the
        NO_PPK_AUTH value, but strongSwan 5.9.8 compares the received ID with
        the connection's `ppk_id` first and answers AUTHENTICATION_FAILED,
        whether or not `ppk_required` is set. Asserted as observed."""
        self.start_peer(initiate=True)
        try:
            rc = self.peer.wait(timeout=15)
        except subprocess.TimeoutExpired:
            raise Failure("--timeout=5 did not end ikev2_peer")
        self.peer = None
        text = self.peer_text()
        m = re.search(r"not established within 5 s: (.*)", text)
        if rc == 0 or m is None or "AUTHENTICATION_FAILED" not in m.group(1):
            raise Failure("expected a non-zero exit naming AUTHENTICATION_FAILED"
                          ", got %d:\n%s" % (rc, text))
        charon = self.charon_text()
        sent_id = PPK_CASES[self.name][1]
        for needle in (r"IKE_AUTH request 1 \[.*N\(PPK_ID\) N\(NO_PPK\)",
                       r"received PPK_ID '%s', but require '%s'" % (sent_id,
                                                                    PPK_ID),
                       r"IKE_AUTH response 1 \[ N\(AUTH_FAILED\) \]"):
            if not re.search(needle, charon):
                raise Failure("charon's log lacks /%s/" % needle)
        if "ESTABLISHED" in self.list_sas():
            raise Failure("charon established an IKE SA")
        log("mismatched PPK ID: cygnet sent PPK_ID '%s' + NO_PPK_AUTH; charon "
            "\"%s\" and AUTHENTICATION_FAILED (no fallback); ikev2_peer exit "
            "%d, '%s'" % (sent_id, re.search(r"received PPK_ID.*", charon)
                          .group(0), rc, m.group(0)))

    def run_cygnet_pair(self):
        """ikev2_peer against ikev2_peer without NAT: plain ESP."""
        run(self.ns(self.ns_charon, "ip", "tuntap", "add", "dev", "cygtun",
                    "mode", "tun"))
        run(self.ns(self.ns_charon, "ip", "link", "set", "cygtun", "up"))
        run(self.ns(self.ns_charon, "ip", "route", "add", CYGNET_INNER + "/32",
                    "dev", "cygtun", "src", CHARON_INNER))
        with open(self.cygnet_conf) as f:
            text = f.read()
        swapped = (text.replace(CYGNET_ADDR, "@A@")
                   .replace(CHARON_ADDR, CYGNET_ADDR).replace("@A@", CHARON_ADDR)
                   .replace(CYGNET_INNER, CHARON_INNER))
        dynamic = (self.action or "").startswith("ppk-dynamic")
        if dynamic:
            # Side B of the same key_server (which runs in side A's
            # namespace, reached over the veth), and A's system ID.
            swapped = swapped.replace(
                "kme server ipv4 %s port %d" % (CHARON_ADDR, KME_PORT_A),
                "kme server ipv4 %s port %d" % (CYGNET_ADDR, KME_PORT_B)
            ).replace("peer KP_B\n", "peer KP_A\n")
            if self.action == "ppk-dynamic":
                self.start_key_server()
        conf_b = os.path.join(self.dir, "cygnet_b.cfg")
        with open(conf_b, "w") as f:
            f.write(swapped)
        log_b_path = os.path.join(self.dir, "ikev2_peer_b.log")
        self.peer_b_log = open(log_b_path, "w")
        self.peer_b_out = open(os.path.join(self.dir, "ikev2_peer_b.out"), "w")
        self.peer_b = subprocess.Popen(
            self.ns(self.ns_charon, self.peer_binary, "--config=" + conf_b,
                    "--local=" + CHARON_ADDR, "--remote=" + CYGNET_ADDR,
                    "--tun=cygtun", "--insecure_log_keys"),
            stdout=self.peer_b_out, stderr=self.peer_b_log)
        time.sleep(0.3)
        self.start_peer(initiate=True)

        def text_b():
            with open(log_b_path) as f:
                return f.read()
        if self.action == "ppk-dynamic-down-required":
            try:
                rc = self.peer.wait(timeout=15)
            except subprocess.TimeoutExpired:
                raise Failure("--timeout=5 did not end ikev2_peer")
            self.peer = None
            m = re.search(r"IKE_SA_FAILED.*", self.peer_text())
            if rc == 0 or m is None or not re.search(
                    r"PPK: key source unreachable: connect %s:%d: Connection "
                    r"refused \(required\)" % (CYGNET_ADDR, KME_PORT_A),
                    m.group(0)):
                raise Failure("expected IKE_SA_FAILED naming the unreachable "
                              "key source, exit %d:\n%s" % (rc,
                                                            self.peer_text()))
            if "CHILD_SA_INSTALLED" in text_b():
                raise Failure("B installed a child SA")
            log("key server down, PPK required: ikev2_peer exit %d, '%s'"
                % (rc, m.group(0)))
            return
        self.wait_for("both CHILD_SA_INSTALLED", lambda: (
            "CHILD_SA_INSTALLED" in self.peer_text() and
            "CHILD_SA_INSTALLED" in text_b()), 15)
        established = re.findall(r"IKE_SA_ESTABLISHED.*", self.peer_text())[0]
        if "%s/500 <-> %s/500" % (CYGNET_ADDR, CHARON_ADDR) not in established:
            raise Failure("expected IKE on port 500 (no NAT): %s" % established)
        self.check_traffic()
        ike_a = re.findall(r"INSECURE-KEY (IKE .*)", self.peer_text())
        ike_b = re.findall(r"INSECURE-KEY (IKE .*)", text_b())
        if not ike_a or ike_a != ike_b:
            raise Failure("IKE keys differ: %s vs %s" % (ike_a, ike_b))
        if self.action == "ppk-dynamic-down-optional":
            if "falling back to authentication without PPK" not in \
                    self.peer_text() or "INSECURE-KEY IKE-PPK" in \
                    self.peer_text() + text_b():
                raise Failure("expected A to fall back without PPK")
            self.peer.send_signal(signal.SIGUSR1)
            self.wait_for("show output", lambda: "ESP packets sent" in open(
                self.peer_out_path).read(), 5)
            out = open(self.peer_out_path).read()
            if "Quantum resistance" in out or not re.search(
                    r"Quantum resistant\s*: No", out):
                raise Failure("show output claims PPK:\n%s" % out)
            log("key server down, PPK optional: '%s'; established without "
                "PPK (Quantum resistant : No), keys equal, pings pass" %
                re.search(r"PPK: key source unreachable.*",
                          self.peer_text()).group(0))
        elif dynamic:
            mixed_a = re.findall(r"INSECURE-KEY (IKE-PPK .*)", self.peer_text())
            mixed_b = re.findall(r"INSECURE-KEY (IKE-PPK .*)", text_b())
            if len(mixed_a) != 1 or mixed_a != mixed_b:
                raise Failure("PPK-mixed keys differ: %s vs %s" % (mixed_a,
                                                                  mixed_b))
        child_a = dict(re.findall(r"(\w+)=([0-9a-f]+)", re.findall(
            r"INSECURE-KEY CHILD (.*)", self.peer_text())[0]))
        child_b = dict(re.findall(r"(\w+)=([0-9a-f]+)", re.findall(
            r"INSECURE-KEY CHILD (.*)", text_b())[0]))
        for mine, theirs in (("spi_in", "spi_out"), ("encr_in", "encr_out"),
                             ("integ_in", "integ_out")):
            if child_a[mine] != child_b[theirs] or \
                    child_a[theirs] != child_b[mine]:
                raise Failure("child SA %s/%s not mirrored" % (mine, theirs))
        self.peer.send_signal(signal.SIGUSR1)
        self.wait_for("show output", lambda: "ESP packets sent" in open(
            self.peer_out_path).read(), 5)
        m = re.search(r"ESP packets sent (\d+), received (\d+), dropped (\d+)",
                      open(self.peer_out_path).read())
        if int(m.group(1)) < 6 or int(m.group(2)) < 6 or m.group(3) != "0":
            raise Failure("ESP counters: %s" % m.group(0))
        if self.action == "ppk-dynamic":
            self.peer_b.send_signal(signal.SIGUSR1)
            out_b = os.path.join(self.dir, "ikev2_peer_b.out")
            self.wait_for("B's show output", lambda: "ESP packets sent" in
                          open(out_b).read(), 5)
            for who, path in (("A", self.peer_out_path), ("B", out_b)):
                out = open(path).read()
                for pattern in (r"Quantum resistance\s*: Enabled with dynamic "
                                r"PPK", r"Quantum resistant\s*: Yes"):
                    if not re.search(pattern, out):
                        raise Failure("%s's show output lacks /%s/:\n%s"
                                      % (who, pattern, out))
            served = open(self.key_server_log_path).read()
            log("dynamic PPK: both 'Enabled with dynamic PPK' / 'Quantum "
                "resistant : Yes', PPK-mixed keys equal; key_server: %s"
                % served.strip().splitlines()[0])
        log("cygnet pair, plain ESP (IKE stayed on 500): pings both ways, keys "
            "equal on both ends, %s" % m.group(0))

    def start_key_server(self):
        if KEY_SERVER is None:
            raise Failure("this case needs --key-server=PATH")
        self.key_server_log_path = os.path.join(self.dir, "key_server.log")
        self.key_server_log = open(self.key_server_log_path, "w")
        self.key_server = subprocess.Popen(
            self.ns(self.ns_cygnet, KEY_SERVER, "--bind=" + CYGNET_ADDR,
                    "--port=%d" % KME_PORT_A, "--peer-port=%d" % KME_PORT_B,
                    "--local-system-id=KP_A", "--remote-system-id=KP_B",
                    "--max-runtime=120"),
            stdout=self.key_server_log, stderr=subprocess.STDOUT)
        self.wait_for("key_server listening", lambda: "key_server: A" in open(
            self.key_server_log_path).read(), 5)

    def run(self):
        if self.action == "cygnet-pair" or (self.action or "").startswith(
                "ppk-dynamic"):
            self.setup_network()
            self.write_cygnet_config()
            self.run_cygnet_pair()
            return
        self.setup_network()
        self.write_charon_config()
        self.write_cygnet_config()
        self.start_charon()
        if self.action == "wrong-psk":
            self.run_wrong_psk()
            return
        if self.action == "ppk-mismatch":
            self.run_ppk_mismatch()
            return
        self.establish()
        if self.action not in ("dpd", "dpd-charon", "exit"):
            # (The DPD case stops charon at once: traffic would only delay
            # the first liveness check by up to one interval.)
            self.check_traffic()
            self.compare_keys()
        if self.action in (None, "ppk") or self.action.startswith("ppk:"):
            self.check_show()
        if self.action == "ppk":
            self.check_ppk()
            return
        if (self.action or "").startswith("ppk:"):
            self.check_ppk()
            self.action = self.action[len("ppk:"):]
        self.run_action()
        if self.action is not None and self.action.startswith(("rekey",)):
            self.compare_keys()
        if self.peer is not None and self.peer.poll() is not None:
            raise Failure("ikev2_peer exited early (%d)" % self.peer.returncode)

    def cleanup(self):
        key_server = getattr(self, "key_server", None)
        if key_server is not None and key_server.poll() is None:
            key_server.terminate()
            try:
                key_server.wait(timeout=5)
            except subprocess.TimeoutExpired:
                key_server.kill()
                key_server.wait()
        peer_b = getattr(self, "peer_b", None)
        if peer_b is not None and peer_b.poll() is None:
            peer_b.terminate()
            try:
                peer_b.wait(timeout=5)
            except subprocess.TimeoutExpired:
                peer_b.kill()
                peer_b.wait()
        if self.peer is not None and self.peer.poll() is None:
            self.peer.send_signal(signal.SIGTERM)
            try:
                self.peer.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self.peer.kill()
                self.peer.wait()
        if self.charon is not None and self.charon.poll() is None:
            self.charon.terminate()
            try:
                self.charon.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self.charon.kill()
                self.charon.wait()
        for ns in reversed(self.namespaces):
            subprocess.run(["ip", "netns", "del", ns],
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        self.namespaces = []
        shutil.rmtree(self.vici_dir, ignore_errors=True)

    def dump(self):
        for title, path in (("ikev2_peer stderr", self.peer_log_path),
                            ("ikev2_peer stdout", self.peer_out_path),
                            ("charon log", self.charon_log_path),
                            ("ikev2_peer B stderr",
                             os.path.join(self.dir, "ikev2_peer_b.log")),
                            ("key_server", os.path.join(self.dir,
                                                        "key_server.log"))):
            try:
                with open(path) as f:
                    text = f.read()
            except FileNotFoundError:
                continue
            if title == "charon log":
                # Keep the interesting part; level-4 dumps are long.
                text = "\n".join(l for l in text.splitlines()
                                 if not re.search(r"\]\s+\d+: ", l))
            sys.stderr.write("----- %s (%s) -----\n%s\n" % (title, path,
                                                          text[-12000:]))


ACTIVE = []


def on_signal(signum, frame):
    for case in ACTIVE:
        case.cleanup()
    sys.exit(128 + signum)


def main():
    if len(sys.argv) < 3:
        sys.exit(__doc__)
    global KEY_SERVER
    peer = os.path.abspath(sys.argv[1])
    names = sys.argv[2:]
    if names and names[0].startswith("--key-server="):
        KEY_SERVER = os.path.abspath(names.pop(0).split("=", 1)[1])
    if names == ["all"]:
        names = list(CASES)
    reason = skip_reason()
    if reason is not None:
        print("SKIP: strongSwan interop tests need root, network namespaces "
              "and strongSwan: %s" % reason)
        return 0
    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
    root = os.environ.get("TEST_UNDECLARED_OUTPUTS_DIR") or tempfile.mkdtemp(
        prefix="cygnet_interop_")
    failed = []
    for name in names:
        if name not in CASES:
            sys.exit("unknown case %s (known: %s)" % (name, ", ".join(CASES)))
        workdir = os.path.join(root, name)
        os.makedirs(workdir, exist_ok=True)
        case = Case(peer, name, CASES[name], workdir)
        ACTIVE.append(case)
        start = time.time()
        try:
            case.run()
            log("PASS %s (%.1f s)" % (name, time.time() - start))
        except Exception as e:  # noqa: BLE001 - report every failure
            log("FAIL %s: %s" % (name, e))
            case.cleanup()
            case.dump()
            failed.append(name)
        finally:
            case.cleanup()
            ACTIVE.remove(case)
    if failed:
        log("FAILED: %s" % ", ".join(failed))
        return 1
    log("all %d cases passed" % len(names))
    return 0


if __name__ == "__main__":
    sys.exit(main())
