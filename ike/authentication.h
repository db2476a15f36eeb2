// IKEv2 peer authentication (RFC 7296 2.15, RFC 7427, RFC 4754): the octets
// each side signs or MACs, the shared key message integrity code (PSK), the
// signature AUTH methods 1 (RSA PKCS#1 v1.5 with SHA-1), 9/10/11 (ECDSA with
// P-256/SHA-256, P-384/SHA-384, P-521/SHA-512, IEEE P1363 r || s) and 14
// (RFC 7427 digital signature: AlgorithmIdentifier-tagged RSA PKCS#1 v1.5,
// RSA-PSS or ECDSA with SHA-256/384/512), the certificate chain and identity
// checks, and the SIGNATURE_HASH_ALGORITHMS notify data.
//
// Driven by the IKE SA state machine in IKE_AUTH: it builds the signed octets
// from the messages it sent/received, then computes its own AUTH and verifies
// the peer's. Pure functions; no state. Invariants: a received AUTH value is
// compared in constant time (PSK) or verified by crypto/ (signatures); a
// method 14 AlgorithmIdentifier is accepted only if it is byte-for-byte one
// of the encodings listed in the .cc (RFC 7427 appendix A forms, with NULL or
// absent hash parameters where RFC 4055 allows both); the peer's identity must
// appear in its certificate. Failures are UNAUTHENTICATED (the state machine
// answers AUTHENTICATION_FAILED) with a message naming what did not match;
// malformed inputs are INVALID_ARGUMENT.
#ifndef CYGNET_IKE_AUTHENTICATION_H_
#define CYGNET_IKE_AUTHENTICATION_H_

#include <cstdint>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "absl/types/span.h"
#include "crypto/prf.h"
#include "crypto/secret_bytes.h"
#include "crypto/signature.h"
#include "crypto/x509.h"
#include "ike/wire/constants.h"

namespace cygnet::ike {

// ---- Signed octets (RFC 7296 2.15)
// -------------------------------------------

// The ID payload body that MACedIDFor{I,R} covers: ID Type | 3 reserved
// (zero) octets | Identification Data, i.e. the payload without its generic
// header.
std::vector<uint8_t> IdPayloadBody(wire::IdType type,
                                   absl::Span<const uint8_t> data);

// <SignedOctets> = RealMessage | NonceData of the peer | prf(SK_p, ID body).
// For the initiator's AUTH: its IKE_SA_INIT request, Nr, SK_pi and IDi; for
// the responder's: its IKE_SA_INIT response, Ni, SK_pr and IDr. `message` is
// the whole message as sent, from the IKE header on.
std::vector<uint8_t> BuildSignedOctets(
    crypto::PrfAlgorithm prf, absl::Span<const uint8_t> message,
    absl::Span<const uint8_t> peer_nonce, const crypto::SecretBytes& sk_p,
    absl::Span<const uint8_t> id_payload_body);

// ---- Shared key message integrity code (auth method 2)
// -----------------------

// AUTH = prf(prf(Shared Secret, "Key Pad for IKEv2"), <SignedOctets>), the
// PRF's output length. An empty shared secret is an error.
absl::StatusOr<std::vector<uint8_t>> ComputeSharedKeyAuth(
    crypto::PrfAlgorithm prf, const crypto::SecretBytes& shared_secret,
    absl::Span<const uint8_t> signed_octets);
// Recomputes and compares in constant time; UNAUTHENTICATED on mismatch
// (including a different length).
absl::Status VerifySharedKeyAuth(crypto::PrfAlgorithm prf,
                                 const crypto::SecretBytes& shared_secret,
                                 absl::Span<const uint8_t> signed_octets,
                                 absl::Span<const uint8_t> received_auth);

// ---- Signatures (auth methods 1, 9, 10, 11, 14)
// ------------------------------

// Whether `scheme` may be used with `method` and a key of `key_type`:
// method 1 = kRsaPkcs1Sha1 with RSA; 9/10/11 = ECDSA with SHA-256/384/512 on
// P-256/P-384/P-521 exactly; 14 = any SHA-2 scheme whose family matches the
// key (RSA PKCS#1 v1.5 or PSS for RSA keys, ECDSA for EC keys). Other methods
// are not signature methods.
absl::Status CheckSignatureMethod(wire::AuthMethod method,
                                  crypto::SignatureScheme scheme,
                                  crypto::KeyType key_type);

// The DER AlgorithmIdentifier cygnet sends for a method 14 scheme (RSA
// PKCS#1 v1.5 with NULL parameters, RSA-PSS with explicit SHA-2/MGF1/salt
// parameters and NULL hash parameters, ECDSA without parameters).
// kRsaPkcs1Sha1 has none: method 14 is SHA-2 only here.
absl::StatusOr<std::vector<uint8_t>> SignatureAlgorithmIdentifier(
    crypto::SignatureScheme scheme);
// The strict inverse: `der` must be exactly one accepted encoding.
absl::StatusOr<crypto::SignatureScheme> ParseSignatureAlgorithmIdentifier(
    absl::Span<const uint8_t> der);

// The Authentication Data of an AUTH payload: the raw signature for methods
// 1 and 9-11, and for 14 the 1-octet length of the AlgorithmIdentifier, the
// AlgorithmIdentifier, then the signature.
absl::StatusOr<std::vector<uint8_t>> ComputeSignatureAuth(
    wire::AuthMethod method, crypto::SignatureScheme scheme,
    const crypto::PrivateKey& key, absl::Span<const uint8_t> signed_octets);

// Verifies a peer's signature AUTH with the public key of its (already
// verified) certificate. For method 14 the scheme comes from the peer's
// AlgorithmIdentifier and must be in `acceptable` (empty = every SHA-2 scheme
// cygnet supports).
absl::Status VerifySignatureAuth(
    wire::AuthMethod method, absl::Span<const uint8_t> auth_data,
    const crypto::PublicKey& key, absl::Span<const uint8_t> signed_octets,
    absl::Span<const crypto::SignatureScheme> acceptable = {});

// ---- Certificates and identities
// ---------------------------------------------

// The peer's IDi/IDr must name its certificate: ID_FQDN a SAN dNSName
// (case-insensitive, no wildcards), ID_RFC822_ADDR a SAN rfc822Name
// (case-insensitive), ID_IPV4_ADDR / ID_IPV6_ADDR a SAN iPAddress,
// ID_DER_ASN1_DN the subject Name (byte-for-byte DER). Other ID types cannot
// be bound to a certificate. UNAUTHENTICATED naming the ID and what the
// certificate holds.
absl::Status CheckIdentityMatchesCertificate(const crypto::Certificate& cert,
                                             wire::IdType id_type,
                                             absl::Span<const uint8_t> id_data);

// Chain (crypto::VerifyCertificateChain at `now`, with CRLs when given) and
// identity. On success the caller verifies AUTH with leaf.public_key().
absl::Status VerifyPeerCertificate(
    const crypto::Certificate& leaf,
    absl::Span<const crypto::Certificate> intermediates,
    absl::Span<const crypto::Certificate> trust_anchors, absl::Time now,
    absl::Span<const crypto::Crl> crls, wire::IdType id_type,
    absl::Span<const uint8_t> id_data);

// ---- SIGNATURE_HASH_ALGORITHMS notify data (RFC 7427 section 4)
// --------------

// The hashes cygnet announces: SHA2-256, SHA2-384, SHA2-512.
std::vector<wire::SignatureHashAlgorithm> SupportedSignatureHashAlgorithms();
// A list of 2-octet identifiers in network byte order.
std::vector<uint8_t> BuildSignatureHashAlgorithmsData(
    absl::Span<const wire::SignatureHashAlgorithm> hashes);
// Odd lengths and empty data are INVALID_ARGUMENT; unknown identifiers are
// kept (the enum holds any 16-bit value) so the caller can ignore them.
absl::StatusOr<std::vector<wire::SignatureHashAlgorithm>>
ParseSignatureHashAlgorithmsData(absl::Span<const uint8_t> data);

// The method 14 scheme to sign with: the strongest SHA-2 hash the peer
// announced that fits the key (SHA-512, then 384, then 256; for ECDSA the
// curve's own hash first), PSS or PKCS#1 v1.5 for RSA as asked. NOT_FOUND
// when the peer announced none of them.
absl::StatusOr<crypto::SignatureScheme> ChooseSignatureScheme(
    crypto::KeyType key_type, bool rsa_pss,
    absl::Span<const wire::SignatureHashAlgorithm> peer_hashes);

}  // namespace cygnet::ike

#endif  // CYGNET_IKE_AUTHENTICATION_H_
