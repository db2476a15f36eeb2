"""Generates rsa_e3_forgery.txt once (checked in; not run by the build).

An RSA-2048 key with public exponent 3 and a Bleichenbacher-2006-style
forged PKCS#1 v1.5 SHA-256 signature over MESSAGE: the cube of the forged
value starts 00 01 FF..FF 00 DigestInfo(SHA-256(MESSAGE)) and continues
with garbage, which a verifier that does not check the whole block length
(or, like strongSwan's gmp plugin, CVE-2018-16151/16152, parses the ASN.1
loosely) accepts. Also writes a genuine signature by the same key so the
test can show the key itself is usable.
"""
import hashlib
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa

MESSAGE = b"cygnet IKE signed octets (robustness test)"
key = rsa.generate_private_key(public_exponent=3, key_size=2048)
n = key.public_key().public_numbers().n
k = 256
digest_info = bytes.fromhex("3031300d060960864801650304020105000420") + \
    hashlib.sha256(MESSAGE).digest()
prefix = b"\x00\x01" + b"\xff" * 8 + b"\x00" + digest_info
garbage_bits = (k - len(prefix)) * 8
target = int.from_bytes(prefix, "big") << garbage_bits


def icbrt(x):
    lo, hi = 0, 1 << ((x.bit_length() + 2) // 3 + 1)
    while lo < hi:
        mid = (lo + hi) // 2
        if mid ** 3 < x:
            lo = mid + 1
        else:
            hi = mid
    return lo


s = icbrt(target)
cube = s ** 3
assert cube < n
assert (cube >> garbage_bits) == int.from_bytes(prefix, "big")
forged = s.to_bytes(k, "big")
genuine = key.sign(MESSAGE, padding.PKCS1v15(), hashes.SHA256())
spki = key.public_key().public_bytes(
    serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)
with open("rsa_e3_forgery.txt", "w") as out:
    out.write("message=" + MESSAGE.hex() + "\n")
    out.write("public_key_der=" + spki.hex() + "\n")
    out.write("genuine_signature=" + genuine.hex() + "\n")
    out.write("forged_signature=" + forged.hex() + "\n")
