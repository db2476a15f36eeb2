// Names for the IKEv2 registry values; see constants.h.
#include "ike/wire/constants.h"

#include "absl/strings/str_cat.h"

namespace cygnet::ike::wire {
namespace {

std::string Unknown(unsigned value) {
  return absl::StrCat("UNKNOWN(", value, ")");
}

}  // namespace

std::string ToString(ExchangeType type) {
  switch (type) {
    case ExchangeType::kIkeSaInit:
      return "IKE_SA_INIT";
    case ExchangeType::kIkeAuth:
      return "IKE_AUTH";
    case ExchangeType::kCreateChildSa:
      return "CREATE_CHILD_SA";
    case ExchangeType::kInformational:
      return "INFORMATIONAL";
    case ExchangeType::kIkeSessionResume:
      return "IKE_SESSION_RESUME";
    case ExchangeType::kIkeIntermediate:
      return "IKE_INTERMEDIATE";
  }
  return Unknown(static_cast<unsigned>(type));
}

std::string ToString(PayloadType type) {
  switch (type) {
    case PayloadType::kNone:
      return "NONE";
    case PayloadType::kSecurityAssociation:
      return "SA";
    case PayloadType::kKeyExchange:
      return "KE";
    case PayloadType::kIdInitiator:
      return "IDi";
    case PayloadType::kIdResponder:
      return "IDr";
    case PayloadType::kCertificate:
      return "CERT";
    case PayloadType::kCertificateRequest:
      return "CERTREQ";
    case PayloadType::kAuthentication:
      return "AUTH";
    case PayloadType::kNonce:
      return "Nonce";
    case PayloadType::kNotify:
      return "N";
    case PayloadType::kDelete:
      return "D";
    case PayloadType::kVendorId:
      return "V";
    case PayloadType::kTsInitiator:
      return "TSi";
    case PayloadType::kTsResponder:
      return "TSr";
    case PayloadType::kEncrypted:
      return "SK";
    case PayloadType::kConfiguration:
      return "CP";
    case PayloadType::kEap:
      return "EAP";
    case PayloadType::kGenericSecurePassword:
      return "GSPM";
    case PayloadType::kGroupId:
      return "IDg";
    case PayloadType::kGroupSa:
      return "GSA";
    case PayloadType::kKeyDownload:
      return "KD";
    case PayloadType::kEncryptedFragment:
      return "SKF";
    case PayloadType::kPuzzleSolution:
      return "PS";
  }
  return Unknown(static_cast<unsigned>(type));
}

std::string ToString(ProtocolId id) {
  switch (id) {
    case ProtocolId::kNone:
      return "NONE";
    case ProtocolId::kIke:
      return "IKE";
    case ProtocolId::kAh:
      return "AH";
    case ProtocolId::kEsp:
      return "ESP";
  }
  return Unknown(static_cast<unsigned>(id));
}

std::string ToString(TransformType type) {
  switch (type) {
    case TransformType::kEncryption:
      return "ENCR";
    case TransformType::kPseudorandomFunction:
      return "PRF";
    case TransformType::kIntegrity:
      return "INTEG";
    case TransformType::kKeyExchange:
      return "KE";
    case TransformType::kExtendedSequenceNumbers:
      return "ESN";
  }
  return Unknown(static_cast<unsigned>(type));
}

std::string ToString(EncryptionId id) {
  switch (id) {
    case EncryptionId::kDesIv64:
      return "ENCR_DES_IV64";
    case EncryptionId::kDes:
      return "ENCR_DES";
    case EncryptionId::k3Des:
      return "ENCR_3DES";
    case EncryptionId::kRc5:
      return "ENCR_RC5";
    case EncryptionId::kIdea:
      return "ENCR_IDEA";
    case EncryptionId::kCast:
      return "ENCR_CAST";
    case EncryptionId::kBlowfish:
      return "ENCR_BLOWFISH";
    case EncryptionId::k3Idea:
      return "ENCR_3IDEA";
    case EncryptionId::kDesIv32:
      return "ENCR_DES_IV32";
    case EncryptionId::kNull:
      return "ENCR_NULL";
    case EncryptionId::kAesCbc:
      return "ENCR_AES_CBC";
    case EncryptionId::kAesCtr:
      return "ENCR_AES_CTR";
    case EncryptionId::kAesCcm8:
      return "ENCR_AES_CCM_8";
    case EncryptionId::kAesCcm12:
      return "ENCR_AES_CCM_12";
    case EncryptionId::kAesCcm16:
      return "ENCR_AES_CCM_16";
    case EncryptionId::kAesGcm8:
      return "ENCR_AES_GCM_8";
    case EncryptionId::kAesGcm12:
      return "ENCR_AES_GCM_12";
    case EncryptionId::kAesGcm16:
      return "ENCR_AES_GCM_16";
    case EncryptionId::kNullAuthAesGmac:
      return "ENCR_NULL_AUTH_AES_GMAC";
    case EncryptionId::kCamelliaCbc:
      return "ENCR_CAMELLIA_CBC";
    case EncryptionId::kChaCha20Poly1305:
      return "ENCR_CHACHA20_POLY1305";
  }
  return Unknown(static_cast<unsigned>(id));
}

std::string ToString(PrfId id) {
  switch (id) {
    case PrfId::kHmacMd5:
      return "PRF_HMAC_MD5";
    case PrfId::kHmacSha1:
      return "PRF_HMAC_SHA1";
    case PrfId::kHmacTiger:
      return "PRF_HMAC_TIGER";
    case PrfId::kAes128Xcbc:
      return "PRF_AES128_XCBC";
    case PrfId::kHmacSha2_256:
      return "PRF_HMAC_SHA2_256";
    case PrfId::kHmacSha2_384:
      return "PRF_HMAC_SHA2_384";
    case PrfId::kHmacSha2_512:
      return "PRF_HMAC_SHA2_512";
    case PrfId::kAes128Cmac:
      return "PRF_AES128_CMAC";
  }
  return Unknown(static_cast<unsigned>(id));
}

std::string ToString(IntegrityId id) {
  switch (id) {
    case IntegrityId::kNone:
      return "NONE";
    case IntegrityId::kHmacMd5_96:
      return "AUTH_HMAC_MD5_96";
    case IntegrityId::kHmacSha1_96:
      return "AUTH_HMAC_SHA1_96";
    case IntegrityId::kDesMac:
      return "AUTH_DES_MAC";
    case IntegrityId::kKpdkMd5:
      return "AUTH_KPDK_MD5";
    case IntegrityId::kAesXcbc96:
      return "AUTH_AES_XCBC_96";
    case IntegrityId::kHmacMd5_128:
      return "AUTH_HMAC_MD5_128";
    case IntegrityId::kHmacSha1_160:
      return "AUTH_HMAC_SHA1_160";
    case IntegrityId::kAesCmac96:
      return "AUTH_AES_CMAC_96";
    case IntegrityId::kAes128Gmac:
      return "AUTH_AES_128_GMAC";
    case IntegrityId::kAes192Gmac:
      return "AUTH_AES_192_GMAC";
    case IntegrityId::kAes256Gmac:
      return "AUTH_AES_256_GMAC";
    case IntegrityId::kHmacSha2_256_128:
      return "AUTH_HMAC_SHA2_256_128";
    case IntegrityId::kHmacSha2_384_192:
      return "AUTH_HMAC_SHA2_384_192";
    case IntegrityId::kHmacSha2_512_256:
      return "AUTH_HMAC_SHA2_512_256";
  }
  return Unknown(static_cast<unsigned>(id));
}

std::string ToString(KeyExchangeGroup group) {
  switch (group) {
    case KeyExchangeGroup::kNone:
      return "NONE";
    case KeyExchangeGroup::kModp768:
      return "MODP_768";
    case KeyExchangeGroup::kModp1024:
      return "MODP_1024";
    case KeyExchangeGroup::kModp1536:
      return "MODP_1536";
    case KeyExchangeGroup::kModp2048:
      return "MODP_2048";
    case KeyExchangeGroup::kModp3072:
      return "MODP_3072";
    case KeyExchangeGroup::kModp4096:
      return "MODP_4096";
    case KeyExchangeGroup::kModp6144:
      return "MODP_6144";
    case KeyExchangeGroup::kModp8192:
      return "MODP_8192";
    case KeyExchangeGroup::kEcp256:
      return "ECP_256";
    case KeyExchangeGroup::kEcp384:
      return "ECP_384";
    case KeyExchangeGroup::kEcp521:
      return "ECP_521";
    case KeyExchangeGroup::kModp1024S160:
      return "MODP_1024_S160";
    case KeyExchangeGroup::kModp2048S224:
      return "MODP_2048_S224";
    case KeyExchangeGroup::kModp2048S256:
      return "MODP_2048_S256";
    case KeyExchangeGroup::kEcp192:
      return "ECP_192";
    case KeyExchangeGroup::kEcp224:
      return "ECP_224";
    case KeyExchangeGroup::kBrainpoolP224:
      return "BRAINPOOL_P224";
    case KeyExchangeGroup::kBrainpoolP256:
      return "BRAINPOOL_P256";
    case KeyExchangeGroup::kBrainpoolP384:
      return "BRAINPOOL_P384";
    case KeyExchangeGroup::kBrainpoolP512:
      return "BRAINPOOL_P512";
    case KeyExchangeGroup::kCurve25519:
      return "CURVE25519";
    case KeyExchangeGroup::kCurve448:
      return "CURVE448";
  }
  return Unknown(static_cast<unsigned>(group));
}

std::string ToString(EsnId id) {
  switch (id) {
    case EsnId::kNoEsn:
      return "NO_ESN";
    case EsnId::kEsn:
      return "ESN";
  }
  return Unknown(static_cast<unsigned>(id));
}

std::string ToString(IdType type) {
  switch (type) {
    case IdType::kIpv4Address:
      return "ID_IPV4_ADDR";
    case IdType::kFqdn:
      return "ID_FQDN";
    case IdType::kRfc822Address:
      return "ID_RFC822_ADDR";
    case IdType::kIpv6Address:
      return "ID_IPV6_ADDR";
    case IdType::kDerAsn1Dn:
      return "ID_DER_ASN1_DN";
    case IdType::kDerAsn1Gn:
      return "ID_DER_ASN1_GN";
    case IdType::kKeyId:
      return "ID_KEY_ID";
    case IdType::kFcName:
      return "ID_FC_NAME";
    case IdType::kNull:
      return "ID_NULL";
  }
  return Unknown(static_cast<unsigned>(type));
}

std::string ToString(AuthMethod method) {
  switch (method) {
    case AuthMethod::kRsaDigitalSignature:
      return "RSA_DIGITAL_SIGNATURE";
    case AuthMethod::kSharedKeyMessageIntegrityCode:
      return "SHARED_KEY_MIC";
    case AuthMethod::kDssDigitalSignature:
      return "DSS_DIGITAL_SIGNATURE";
    case AuthMethod::kEcdsaSha256P256:
      return "ECDSA_SHA256_P256";
    case AuthMethod::kEcdsaSha384P384:
      return "ECDSA_SHA384_P384";
    case AuthMethod::kEcdsaSha512P521:
      return "ECDSA_SHA512_P521";
    case AuthMethod::kGenericSecurePassword:
      return "GENERIC_SECURE_PASSWORD";
    case AuthMethod::kNullAuthentication:
      return "NULL_AUTHENTICATION";
    case AuthMethod::kDigitalSignature:
      return "DIGITAL_SIGNATURE";
  }
  return Unknown(static_cast<unsigned>(method));
}

std::string ToString(SignatureHashAlgorithm algorithm) {
  switch (algorithm) {
    case SignatureHashAlgorithm::kSha1:
      return "SHA1";
    case SignatureHashAlgorithm::kSha2_256:
      return "SHA2_256";
    case SignatureHashAlgorithm::kSha2_384:
      return "SHA2_384";
    case SignatureHashAlgorithm::kSha2_512:
      return "SHA2_512";
    case SignatureHashAlgorithm::kIdentity:
      return "IDENTITY";
  }
  return Unknown(static_cast<unsigned>(algorithm));
}

std::string ToString(TrafficSelectorType type) {
  switch (type) {
    case TrafficSelectorType::kIpv4AddressRange:
      return "TS_IPV4_ADDR_RANGE";
    case TrafficSelectorType::kIpv6AddressRange:
      return "TS_IPV6_ADDR_RANGE";
    case TrafficSelectorType::kFcAddressRange:
      return "TS_FC_ADDR_RANGE";
  }
  return Unknown(static_cast<unsigned>(type));
}

std::string ToString(CertificateEncoding encoding) {
  switch (encoding) {
    case CertificateEncoding::kPkcs7WrappedX509:
      return "PKCS7_WRAPPED_X509";
    case CertificateEncoding::kPgp:
      return "PGP";
    case CertificateEncoding::kDnsSignedKey:
      return "DNS_SIGNED_KEY";
    case CertificateEncoding::kX509Signature:
      return "X509_SIGNATURE";
    case CertificateEncoding::kKerberosToken:
      return "KERBEROS_TOKEN";
    case CertificateEncoding::kCertificateRevocationList:
      return "CRL";
    case CertificateEncoding::kAuthorityRevocationList:
      return "ARL";
    case CertificateEncoding::kSpki:
      return "SPKI";
    case CertificateEncoding::kX509Attribute:
      return "X509_ATTRIBUTE";
    case CertificateEncoding::kRawRsaKey:
      return "RAW_RSA_KEY";
    case CertificateEncoding::kHashAndUrlX509:
      return "HASH_AND_URL_X509";
    case CertificateEncoding::kHashAndUrlX509Bundle:
      return "HASH_AND_URL_X509_BUNDLE";
    case CertificateEncoding::kOcspContent:
      return "OCSP_CONTENT";
    case CertificateEncoding::kRawPublicKey:
      return "RAW_PUBLIC_KEY";
  }
  return Unknown(static_cast<unsigned>(encoding));
}

std::string ToString(ConfigurationType type) {
  switch (type) {
    case ConfigurationType::kRequest:
      return "CFG_REQUEST";
    case ConfigurationType::kReply:
      return "CFG_REPLY";
    case ConfigurationType::kSet:
      return "CFG_SET";
    case ConfigurationType::kAck:
      return "CFG_ACK";
  }
  return Unknown(static_cast<unsigned>(type));
}

std::string ToString(NotifyType type) {
  switch (type) {
    case NotifyType::kUnsupportedCriticalPayload:
      return "UNSUPPORTED_CRITICAL_PAYLOAD";
    case NotifyType::kInvalidIkeSpi:
      return "INVALID_IKE_SPI";
    case NotifyType::kInvalidMajorVersion:
      return "INVALID_MAJOR_VERSION";
    case NotifyType::kInvalidSyntax:
      return "INVALID_SYNTAX";
    case NotifyType::kInvalidMessageId:
      return "INVALID_MESSAGE_ID";
    case NotifyType::kInvalidSpi:
      return "INVALID_SPI";
    case NotifyType::kNoProposalChosen:
      return "NO_PROPOSAL_CHOSEN";
    case NotifyType::kInvalidKePayload:
      return "INVALID_KE_PAYLOAD";
    case NotifyType::kAuthenticationFailed:
      return "AUTHENTICATION_FAILED";
    case NotifyType::kSinglePairRequired:
      return "SINGLE_PAIR_REQUIRED";
    case NotifyType::kNoAdditionalSas:
      return "NO_ADDITIONAL_SAS";
    case NotifyType::kInternalAddressFailure:
      return "INTERNAL_ADDRESS_FAILURE";
    case NotifyType::kFailedCpRequired:
      return "FAILED_CP_REQUIRED";
    case NotifyType::kTsUnacceptable:
      return "TS_UNACCEPTABLE";
    case NotifyType::kInvalidSelectors:
      return "INVALID_SELECTORS";
    case NotifyType::kUnacceptableAddresses:
      return "UNACCEPTABLE_ADDRESSES";
    case NotifyType::kUnexpectedNatDetected:
      return "UNEXPECTED_NAT_DETECTED";
    case NotifyType::kUseAssignedHoa:
      return "USE_ASSIGNED_HOA";
    case NotifyType::kTemporaryFailure:
      return "TEMPORARY_FAILURE";
    case NotifyType::kChildSaNotFound:
      return "CHILD_SA_NOT_FOUND";
    case NotifyType::kInitialContact:
      return "INITIAL_CONTACT";
    case NotifyType::kSetWindowSize:
      return "SET_WINDOW_SIZE";
    case NotifyType::kAdditionalTsPossible:
      return "ADDITIONAL_TS_POSSIBLE";
    case NotifyType::kIpcompSupported:
      return "IPCOMP_SUPPORTED";
    case NotifyType::kNatDetectionSourceIp:
      return "NAT_DETECTION_SOURCE_IP";
    case NotifyType::kNatDetectionDestinationIp:
      return "NAT_DETECTION_DESTINATION_IP";
    case NotifyType::kCookie:
      return "COOKIE";
    case NotifyType::kUseTransportMode:
      return "USE_TRANSPORT_MODE";
    case NotifyType::kHttpCertLookupSupported:
      return "HTTP_CERT_LOOKUP_SUPPORTED";
    case NotifyType::kRekeySa:
      return "REKEY_SA";
    case NotifyType::kEspTfcPaddingNotSupported:
      return "ESP_TFC_PADDING_NOT_SUPPORTED";
    case NotifyType::kNonFirstFragmentsAlso:
      return "NON_FIRST_FRAGMENTS_ALSO";
    case NotifyType::kMobikeSupported:
      return "MOBIKE_SUPPORTED";
    case NotifyType::kAdditionalIp4Address:
      return "ADDITIONAL_IP4_ADDRESS";
    case NotifyType::kAdditionalIp6Address:
      return "ADDITIONAL_IP6_ADDRESS";
    case NotifyType::kNoAdditionalAddresses:
      return "NO_ADDITIONAL_ADDRESSES";
    case NotifyType::kUpdateSaAddresses:
      return "UPDATE_SA_ADDRESSES";
    case NotifyType::kCookie2:
      return "COOKIE2";
    case NotifyType::kNoNatsAllowed:
      return "NO_NATS_ALLOWED";
    case NotifyType::kAuthLifetime:
      return "AUTH_LIFETIME";
    case NotifyType::kMultipleAuthSupported:
      return "MULTIPLE_AUTH_SUPPORTED";
    case NotifyType::kAnotherAuthFollows:
      return "ANOTHER_AUTH_FOLLOWS";
    case NotifyType::kRedirectSupported:
      return "REDIRECT_SUPPORTED";
    case NotifyType::kRedirect:
      return "REDIRECT";
    case NotifyType::kRedirectedFrom:
      return "REDIRECTED_FROM";
    case NotifyType::kTicketLtOpaque:
      return "TICKET_LT_OPAQUE";
    case NotifyType::kTicketRequest:
      return "TICKET_REQUEST";
    case NotifyType::kTicketAck:
      return "TICKET_ACK";
    case NotifyType::kTicketNack:
      return "TICKET_NACK";
    case NotifyType::kTicketOpaque:
      return "TICKET_OPAQUE";
    case NotifyType::kLinkId:
      return "LINK_ID";
    case NotifyType::kUseWespMode:
      return "USE_WESP_MODE";
    case NotifyType::kRohcSupported:
      return "ROHC_SUPPORTED";
    case NotifyType::kEapOnlyAuthentication:
      return "EAP_ONLY_AUTHENTICATION";
    case NotifyType::kChildlessIkev2Supported:
      return "CHILDLESS_IKEV2_SUPPORTED";
    case NotifyType::kQuickCrashDetection:
      return "QUICK_CRASH_DETECTION";
    case NotifyType::kIkev2MessageIdSyncSupported:
      return "IKEV2_MESSAGE_ID_SYNC_SUPPORTED";
    case NotifyType::kIpsecReplayCounterSyncSupported:
      return "IPSEC_REPLAY_COUNTER_SYNC_SUPPORTED";
    case NotifyType::kIkev2MessageIdSync:
      return "IKEV2_MESSAGE_ID_SYNC";
    case NotifyType::kIpsecReplayCounterSync:
      return "IPSEC_REPLAY_COUNTER_SYNC";
    case NotifyType::kSecurePasswordMethods:
      return "SECURE_PASSWORD_METHODS";
    case NotifyType::kPskPersist:
      return "PSK_PERSIST";
    case NotifyType::kPskConfirm:
      return "PSK_CONFIRM";
    case NotifyType::kErxSupported:
      return "ERX_SUPPORTED";
    case NotifyType::kIfomCapability:
      return "IFOM_CAPABILITY";
    case NotifyType::kSenderRequestId:
      return "SENDER_REQUEST_ID";
    case NotifyType::kIkev2FragmentationSupported:
      return "IKEV2_FRAGMENTATION_SUPPORTED";
    case NotifyType::kSignatureHashAlgorithms:
      return "SIGNATURE_HASH_ALGORITHMS";
    case NotifyType::kCloneIkeSaSupported:
      return "CLONE_IKE_SA_SUPPORTED";
    case NotifyType::kCloneIkeSa:
      return "CLONE_IKE_SA";
    case NotifyType::kPuzzle:
      return "PUZZLE";
    case NotifyType::kUsePpk:
      return "USE_PPK";
    case NotifyType::kPpkIdentity:
      return "PPK_IDENTITY";
    case NotifyType::kNoPpkAuth:
      return "NO_PPK_AUTH";
    case NotifyType::kIntermediateExchangeSupported:
      return "INTERMEDIATE_EXCHANGE_SUPPORTED";
    case NotifyType::kIp4Allowed:
      return "IP4_ALLOWED";
    case NotifyType::kIp6Allowed:
      return "IP6_ALLOWED";
    case NotifyType::kAdditionalKeyExchange:
      return "ADDITIONAL_KEY_EXCHANGE";
    case NotifyType::kUseAggfrag:
      return "USE_AGGFRAG";
  }
  return Unknown(static_cast<unsigned>(type));
}

std::string TransformIdName(TransformType type, uint16_t id) {
  switch (type) {
    case TransformType::kEncryption:
      return ToString(static_cast<EncryptionId>(id));
    case TransformType::kPseudorandomFunction:
      return ToString(static_cast<PrfId>(id));
    case TransformType::kIntegrity:
      return ToString(static_cast<IntegrityId>(id));
    case TransformType::kKeyExchange:
      return ToString(static_cast<KeyExchangeGroup>(id));
    case TransformType::kExtendedSequenceNumbers:
      return ToString(static_cast<EsnId>(id));
  }
  return Unknown(id);
}

}  // namespace cygnet::ike::wire
