"""The bureau's digital signature on every certificate PDF (pyHanko, PAdES baseline).

The key and certificate are PEM files named by settings (``KUAIBAN_SIGNING_KEY``,
``KUAIBAN_SIGNING_CERT``; the certificate file may carry the issuing chain after the signing
certificate). ``demo_key_write`` makes a demo pair — a 快办演示根证书 and a signing certificate
it issued — for `make demo`; production mounts the bureau's own files at those paths.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import functools
import io
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID
from django.conf import settings
from pyhanko.keys import load_certs_from_pemder, load_private_key_from_pemder
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign import signers
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko_certvalidator import ValidationContext
from pyhanko_certvalidator.registry import SimpleCertificateStore

# Bytes kept in the PDF for the CMS signature: a 4096-bit RSA signature with a three-certificate
# chain takes under 8 KB.
_SIGNATURE_ROOM = 16 * 1024


_T = TypeVar("_T")


def _outside_event_loop(call: Callable[[], _T]) -> _T:
    """Run one of pyHanko's blocking calls, which start their own event loop (``asyncio.run``),
    also from code that runs inside one (an ASGI server, a test driving a browser): there, in a
    thread of its own, waited for."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return call()
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="pdf-signature") as pool:
        return pool.submit(call).result()


class SigningUnavailable(Exception):
    """The key or certificate cannot be read: no certificate can be issued until it is fixed."""


@dataclass(frozen=True)
class SignatureCheck:
    intact: bool  # the signed bytes are unchanged
    trusted: bool  # the signer's certificate chains to a trusted root
    signer: str


def _paths() -> tuple[Path, Path, bytes | None]:
    passphrase = settings.KUAIBAN_SIGNING_KEY_PASSPHRASE
    return (
        Path(settings.KUAIBAN_SIGNING_KEY),
        Path(settings.KUAIBAN_SIGNING_CERT),
        passphrase.encode() if passphrase else None,
    )


@functools.lru_cache(maxsize=4)
def _signer(key: Path, cert: Path, passphrase: bytes | None) -> signers.SimpleSigner:
    if not key.is_file() or not cert.is_file():
        raise SigningUnavailable(f"签名密钥或证书文件不存在：{key}，{cert}")
    try:
        chain = list(load_certs_from_pemder([str(cert)]))  # type: ignore[no-untyped-call]
        private = load_private_key_from_pemder(str(key), passphrase=passphrase)
    except (ValueError, TypeError, OSError) as error:
        raise SigningUnavailable(f"签名密钥或证书无法读取：{error}") from error
    if not chain:
        raise SigningUnavailable("证书文件中没有证书")
    return _KeptKeySigner(
        signing_cert=chain[0],
        signing_key=private,
        cert_registry=SimpleCertificateStore.from_certs(chain),  # type: ignore[no-untyped-call]
    )


class _KeptKeySigner(signers.SimpleSigner):
    """pyHanko loads the private key into ``cryptography`` for every signature, and loading an
    RSA key validates it (about 0.1 s); this signer loads it once and keeps it."""

    @functools.cached_property
    def _loaded(self) -> Any:
        return serialization.load_der_private_key(self.signing_key.dump(), password=None)

    def sign_raw(self, data: bytes, digest_algorithm: str) -> bytes:
        mechanism = self.get_signature_mechanism_for_digest(digest_algorithm).signature_algo
        if mechanism != "rsassa_pkcs1v15" or not isinstance(self._loaded, rsa.RSAPrivateKey):
            return bytes(super().sign_raw(data, digest_algorithm))
        algorithm = {
            "sha256": hashes.SHA256(),
            "sha384": hashes.SHA384(),
            "sha512": hashes.SHA512(),
        }
        return bytes(self._loaded.sign(data, padding.PKCS1v15(), algorithm[digest_algorithm]))


def signer() -> signers.SimpleSigner:
    return _signer(*_paths())


def trust_roots() -> list[Any]:  # asn1crypto certificates (the library has no type hints)
    """The certificates in the configured certificate file (signer and chain): the roots a
    verifier of this platform's PDFs trusts."""
    _key, cert, _ = _paths()
    return list(load_certs_from_pemder([str(cert)]))  # type: ignore[no-untyped-call]


def pdf_sign(pdf: bytes, *, reason: str, location: str) -> bytes:
    writer = IncrementalPdfFileWriter(io.BytesIO(pdf), strict=False)
    meta = signers.PdfSignatureMetadata(
        field_name="BureauSignature", reason=reason, location=location, md_algorithm="sha256"
    )
    # A fixed room for the signature container skips pyHanko's trial signature that sizes it.
    key = signer()
    out = _outside_event_loop(
        lambda: signers.sign_pdf(writer, meta, signer=key, bytes_reserved=_SIGNATURE_ROOM)
    )
    return bytes(out.getvalue())


def pdf_signature_check(pdf: bytes) -> SignatureCheck:
    """Validate the PDF's one signature against the configured roots (pyHanko's validator)."""
    reader = PdfFileReader(io.BytesIO(pdf), strict=False)
    if not reader.embedded_signatures:
        return SignatureCheck(intact=False, trusted=False, signer="")
    embedded = reader.embedded_signatures[0]
    context = ValidationContext(trust_roots=trust_roots(), allow_fetching=False)
    status = _outside_event_loop(lambda: validate_pdf_signature(embedded, context))
    return SignatureCheck(
        intact=bool(status.intact and status.valid and status.coverage is not None),
        trusted=bool(status.trusted),
        signer=status.signing_cert.subject.human_friendly,
    )


def demo_key_write(*, key: Path, cert: Path, bureau: str, force: bool = False) -> bool:
    """Write a demo root and a signing certificate it issued (10 years); False if present."""
    if key.exists() and cert.exists() and not force:
        return False
    now = dt.datetime.now(dt.UTC)
    root_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    root_name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "快办演示根证书（仅供演示）")])
    root = (
        x509.CertificateBuilder()
        .subject_name(root_name)
        .issuer_name(root_name)
        .public_key(root_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=3650))
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(_usage(cert_sign=True), critical=True)
        .sign(root_key, hashes.SHA256())
    )
    leaf_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    leaf = (
        x509.CertificateBuilder()
        .subject_name(
            x509.Name(
                [
                    x509.NameAttribute(NameOID.COUNTRY_NAME, "CN"),
                    x509.NameAttribute(NameOID.ORGANIZATION_NAME, bureau),
                    x509.NameAttribute(NameOID.COMMON_NAME, f"{bureau}电子证明签章（演示）"),
                ]
            )
        )
        .issuer_name(root_name)
        .public_key(leaf_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=3650))
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(_usage(cert_sign=False), critical=True)
        .add_extension(
            x509.ExtendedKeyUsage([ExtendedKeyUsageOID.EMAIL_PROTECTION]), critical=False
        )
        .sign(root_key, hashes.SHA256())
    )
    key.parent.mkdir(parents=True, exist_ok=True)
    cert.parent.mkdir(parents=True, exist_ok=True)
    key.write_bytes(
        leaf_key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    key.chmod(0o600)
    pem = serialization.Encoding.PEM
    cert.write_bytes(leaf.public_bytes(pem) + root.public_bytes(pem))
    _signer.cache_clear()
    return True


def _usage(*, cert_sign: bool) -> x509.KeyUsage:
    return x509.KeyUsage(
        digital_signature=not cert_sign,
        content_commitment=not cert_sign,
        key_encipherment=False,
        data_encipherment=False,
        key_agreement=False,
        key_cert_sign=cert_sign,
        crl_sign=cert_sign,
        encipher_only=False,
        decipher_only=False,
    )
