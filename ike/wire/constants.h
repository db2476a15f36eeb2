// IKEv2 protocol numbers (RFC 7296 and the IANA "Internet Key Exchange
// Version 2 (IKEv2) Parameters" registry, plus RFC 7383 fragmentation,
// RFC 7427 signature authentication and RFC 8784 PPK).
//
// Every enum is a scoped enum over the wire width of its field, so a value the
// registry does not name (received from a peer) is still representable and
// round-trips unchanged; ToString() renders such values as "UNKNOWN(<n>)".
// Names are the IANA names, so logs and `show` outputs match packet captures.
#ifndef CYGNET_IKE_WIRE_CONSTANTS_H_
#define CYGNET_IKE_WIRE_CONSTANTS_H_

#include <cstdint>
#include <string>

namespace cygnet::ike::wire {

// The only major version this codec speaks; minor version 0 (RFC 7296 3.1).
constexpr uint8_t kMajorVersion = 2;
constexpr uint8_t kMinorVersion = 0;
constexpr size_t kHeaderSize = 28;
constexpr size_t kGenericPayloadHeaderSize = 4;

enum class ExchangeType : uint8_t {
  kIkeSaInit = 34,
  kIkeAuth = 35,
  kCreateChildSa = 36,
  kInformational = 37,
  kIkeSessionResume = 38,  // RFC 5723
  kIkeIntermediate = 43,   // RFC 9242
};
std::string ToString(ExchangeType type);

// "Next Payload" values. kNone (0) ends a payload chain.
enum class PayloadType : uint8_t {
  kNone = 0,
  kSecurityAssociation = 33,    // SA
  kKeyExchange = 34,            // KE
  kIdInitiator = 35,            // IDi
  kIdResponder = 36,            // IDr
  kCertificate = 37,            // CERT
  kCertificateRequest = 38,     // CERTREQ
  kAuthentication = 39,         // AUTH
  kNonce = 40,                  // Ni, Nr
  kNotify = 41,                 // N
  kDelete = 42,                 // D
  kVendorId = 43,               // V
  kTsInitiator = 44,            // TSi
  kTsResponder = 45,            // TSr
  kEncrypted = 46,              // SK
  kConfiguration = 47,          // CP
  kEap = 48,                    // EAP
  kGenericSecurePassword = 49,  // GSPM (RFC 6467)
  kGroupId = 50,                // IDg (RFC 9838 group key management)
  kGroupSa = 51,                // GSA
  kKeyDownload = 52,            // KD
  kEncryptedFragment = 53,      // SKF (RFC 7383)
  kPuzzleSolution = 54,         // PS (RFC 8019)
};
std::string ToString(PayloadType type);

// IKE header flags (RFC 7296 3.1). The other bits are reserved: sent as zero,
// ignored on receipt.
constexpr uint8_t kFlagInitiator = 0x08;
constexpr uint8_t kFlagVersion = 0x10;
constexpr uint8_t kFlagResponse = 0x20;
// Generic payload header: the critical bit (RFC 7296 3.2).
constexpr uint8_t kFlagCritical = 0x80;

enum class ProtocolId : uint8_t {
  kNone = 0,  // Notify payloads that concern no SA
  kIke = 1,
  kAh = 2,
  kEsp = 3,
};
std::string ToString(ProtocolId id);

enum class TransformType : uint8_t {
  kEncryption = 1,               // ENCR
  kPseudorandomFunction = 2,     // PRF
  kIntegrity = 3,                // INTEG
  kKeyExchange = 4,              // D-H (renamed KE by RFC 9370)
  kExtendedSequenceNumbers = 5,  // ESN
};
std::string ToString(TransformType type);

enum class EncryptionId : uint16_t {
  kDesIv64 = 1,
  kDes = 2,
  k3Des = 3,
  kRc5 = 4,
  kIdea = 5,
  kCast = 6,
  kBlowfish = 7,
  k3Idea = 8,
  kDesIv32 = 9,
  kNull = 11,
  kAesCbc = 12,
  kAesCtr = 13,
  kAesCcm8 = 14,
  kAesCcm12 = 15,
  kAesCcm16 = 16,
  kAesGcm8 = 18,
  kAesGcm12 = 19,
  kAesGcm16 = 20,
  kNullAuthAesGmac = 21,
  kCamelliaCbc = 23,
  kChaCha20Poly1305 = 28,
};
std::string ToString(EncryptionId id);

enum class PrfId : uint16_t {
  kHmacMd5 = 1,
  kHmacSha1 = 2,
  kHmacTiger = 3,
  kAes128Xcbc = 4,
  kHmacSha2_256 = 5,
  kHmacSha2_384 = 6,
  kHmacSha2_512 = 7,
  kAes128Cmac = 8,
};
std::string ToString(PrfId id);

enum class IntegrityId : uint16_t {
  kNone = 0,
  kHmacMd5_96 = 1,
  kHmacSha1_96 = 2,
  kDesMac = 3,
  kKpdkMd5 = 4,
  kAesXcbc96 = 5,
  kHmacMd5_128 = 6,
  kHmacSha1_160 = 7,
  kAesCmac96 = 8,
  kAes128Gmac = 9,
  kAes192Gmac = 10,
  kAes256Gmac = 11,
  kHmacSha2_256_128 = 12,
  kHmacSha2_384_192 = 13,
  kHmacSha2_512_256 = 14,
};
std::string ToString(IntegrityId id);

// Transform type 4 IDs: Diffie-Hellman / key exchange groups.
enum class KeyExchangeGroup : uint16_t {
  kNone = 0,
  kModp768 = 1,
  kModp1024 = 2,
  kModp1536 = 5,
  kModp2048 = 14,
  kModp3072 = 15,
  kModp4096 = 16,
  kModp6144 = 17,
  kModp8192 = 18,
  kEcp256 = 19,
  kEcp384 = 20,
  kEcp521 = 21,
  kModp1024S160 = 22,
  kModp2048S224 = 23,
  kModp2048S256 = 24,
  kEcp192 = 25,
  kEcp224 = 26,
  kBrainpoolP224 = 27,
  kBrainpoolP256 = 28,
  kBrainpoolP384 = 29,
  kBrainpoolP512 = 30,
  kCurve25519 = 31,
  kCurve448 = 32,
};
std::string ToString(KeyExchangeGroup group);

enum class EsnId : uint16_t {
  kNoEsn = 0,
  kEsn = 1,
};
std::string ToString(EsnId id);

// Transform attribute types (RFC 7296 3.3.5). Key Length is the only one
// IKEv2 defines; it is always in TV format and counts bits.
enum class TransformAttributeType : uint16_t {
  kKeyLength = 14,
};
constexpr uint16_t kAttributeFormatTv = 0x8000;  // AF bit

// The name of a transform ID given its type ("ENCR_AES_GCM_16",
// "PRF_HMAC_SHA2_256", "ECP_256", ...).
std::string TransformIdName(TransformType type, uint16_t id);

enum class IdType : uint8_t {
  kIpv4Address = 1,
  kFqdn = 2,
  kRfc822Address = 3,
  kIpv6Address = 5,
  kDerAsn1Dn = 9,
  kDerAsn1Gn = 10,
  kKeyId = 11,
  kFcName = 12,  // RFC 4595
  kNull = 13,    // RFC 7619
};
std::string ToString(IdType type);

enum class AuthMethod : uint8_t {
  kRsaDigitalSignature = 1,
  kSharedKeyMessageIntegrityCode = 2,
  kDssDigitalSignature = 3,
  kEcdsaSha256P256 = 9,         // RFC 4754
  kEcdsaSha384P384 = 10,        // RFC 4754
  kEcdsaSha512P521 = 11,        // RFC 4754
  kGenericSecurePassword = 12,  // RFC 6467
  kNullAuthentication = 13,     // RFC 7619
  kDigitalSignature = 14,       // RFC 7427
};
std::string ToString(AuthMethod method);

// RFC 7427 hash algorithm identifiers, carried in SIGNATURE_HASH_ALGORITHMS.
enum class SignatureHashAlgorithm : uint16_t {
  kSha1 = 1,
  kSha2_256 = 2,
  kSha2_384 = 3,
  kSha2_512 = 4,
  kIdentity = 5,  // RFC 8420
};
std::string ToString(SignatureHashAlgorithm algorithm);

enum class TrafficSelectorType : uint8_t {
  kIpv4AddressRange = 7,
  kIpv6AddressRange = 8,
  kFcAddressRange = 9,  // RFC 4595
};
std::string ToString(TrafficSelectorType type);

enum class CertificateEncoding : uint8_t {
  kPkcs7WrappedX509 = 1,
  kPgp = 2,
  kDnsSignedKey = 3,
  kX509Signature = 4,
  kKerberosToken = 6,
  kCertificateRevocationList = 7,
  kAuthorityRevocationList = 8,
  kSpki = 9,
  kX509Attribute = 10,
  kRawRsaKey = 11,
  kHashAndUrlX509 = 12,
  kHashAndUrlX509Bundle = 13,
  kOcspContent = 14,   // RFC 4806
  kRawPublicKey = 15,  // RFC 7670
};
std::string ToString(CertificateEncoding encoding);

enum class ConfigurationType : uint8_t {
  kRequest = 1,
  kReply = 2,
  kSet = 3,
  kAck = 4,
};
std::string ToString(ConfigurationType type);

// Notify Message Types (RFC 7296 3.10.1 and extensions). 0..16383 are errors,
// 16384..65535 status types.
enum class NotifyType : uint16_t {
  // Errors.
  kUnsupportedCriticalPayload = 1,
  kInvalidIkeSpi = 4,
  kInvalidMajorVersion = 5,
  kInvalidSyntax = 7,
  kInvalidMessageId = 9,
  kInvalidSpi = 11,
  kNoProposalChosen = 14,
  kInvalidKePayload = 17,
  kAuthenticationFailed = 24,
  kSinglePairRequired = 34,
  kNoAdditionalSas = 35,
  kInternalAddressFailure = 36,
  kFailedCpRequired = 37,
  kTsUnacceptable = 38,
  kInvalidSelectors = 39,
  kUnacceptableAddresses = 40,  // RFC 4555
  kUnexpectedNatDetected = 41,  // RFC 4555
  kUseAssignedHoa = 42,         // RFC 5026
  kTemporaryFailure = 43,
  kChildSaNotFound = 44,
  // Status types.
  kInitialContact = 16384,
  kSetWindowSize = 16385,
  kAdditionalTsPossible = 16386,
  kIpcompSupported = 16387,
  kNatDetectionSourceIp = 16388,
  kNatDetectionDestinationIp = 16389,
  kCookie = 16390,
  kUseTransportMode = 16391,
  kHttpCertLookupSupported = 16392,
  kRekeySa = 16393,
  kEspTfcPaddingNotSupported = 16394,
  kNonFirstFragmentsAlso = 16395,
  kMobikeSupported = 16396,
  kAdditionalIp4Address = 16397,
  kAdditionalIp6Address = 16398,
  kNoAdditionalAddresses = 16399,
  kUpdateSaAddresses = 16400,
  kCookie2 = 16401,
  kNoNatsAllowed = 16402,
  kAuthLifetime = 16403,
  kMultipleAuthSupported = 16404,
  kAnotherAuthFollows = 16405,
  kRedirectSupported = 16406,
  kRedirect = 16407,
  kRedirectedFrom = 16408,
  kTicketLtOpaque = 16409,
  kTicketRequest = 16410,
  kTicketAck = 16411,
  kTicketNack = 16412,
  kTicketOpaque = 16413,
  kLinkId = 16414,
  kUseWespMode = 16415,
  kRohcSupported = 16416,
  kEapOnlyAuthentication = 16417,
  kChildlessIkev2Supported = 16418,
  kQuickCrashDetection = 16419,
  kIkev2MessageIdSyncSupported = 16420,
  kIpsecReplayCounterSyncSupported = 16421,
  kIkev2MessageIdSync = 16422,
  kIpsecReplayCounterSync = 16423,
  kSecurePasswordMethods = 16424,
  kPskPersist = 16425,
  kPskConfirm = 16426,
  kErxSupported = 16427,
  kIfomCapability = 16428,
  kSenderRequestId = 16429,
  kIkev2FragmentationSupported = 16430,  // RFC 7383
  kSignatureHashAlgorithms = 16431,      // RFC 7427
  kCloneIkeSaSupported = 16432,
  kCloneIkeSa = 16433,
  kPuzzle = 16434,
  kUsePpk = 16435,                         // RFC 8784
  kPpkIdentity = 16436,                    // RFC 8784
  kNoPpkAuth = 16437,                      // RFC 8784
  kIntermediateExchangeSupported = 16438,  // RFC 9242
  kIp4Allowed = 16439,
  kIp6Allowed = 16440,
  kAdditionalKeyExchange = 16441,  // RFC 9370
  kUseAggfrag = 16442,             // RFC 9347
};
std::string ToString(NotifyType type);
constexpr bool IsErrorNotify(NotifyType type) {
  return static_cast<uint16_t>(type) < 16384;
}

}  // namespace cygnet::ike::wire

#endif  // CYGNET_IKE_WIRE_CONSTANTS_H_
