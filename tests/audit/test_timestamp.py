"""Anchors stamped by an RFC 3161 time-stamping service (a real one: OpenSSL's `ts -reply`
behind a local HTTP server, with its own root and TSA certificates)."""

from __future__ import annotations

import subprocess
import tempfile
import threading
from collections.abc import Iterator
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

from garant.app import Garant
from garant.audit.service import anchor_stamp, current_anchor, seal_today, stamp_anchor
from garant.audit.timestamp import check_stamp
from garant.errors import ConnectorError, IntegrityError
from tests.cli.test_platform_cli import run
from tests.conftest import write_workspace

OPENSSL_CONFIG = """\
[ tsa ]
default_tsa = garant_test
[ garant_test ]
serial = {dir}/serial
crypto_device = builtin
signer_cert = {dir}/tsa.pem
certs = {dir}/tsa.pem
signer_key = {dir}/tsa.key
signer_digest = sha256
default_policy = 1.2.3.4.1
digests = sha256
accuracy = secs:1
ordering = yes
tsa_name = no
ess_cert_id_chain = no
ess_cert_id_alg = sha256
"""


def _name(common: str) -> x509.Name:
    return x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common)])


def _certificate(
    subject: str, key: ec.EllipticCurvePrivateKey, issuer: str, signer: ec.EllipticCurvePrivateKey,
    *, ca: bool,
) -> x509.Certificate:  # fmt: skip
    now = datetime.now(UTC)
    builder = (
        x509.CertificateBuilder()
        .subject_name(_name(subject))
        .issuer_name(_name(issuer))
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(days=1))
        .not_valid_after(now + timedelta(days=30))
        .add_extension(x509.BasicConstraints(ca=ca, path_length=None), critical=True)
    )
    if not ca:
        builder = builder.add_extension(
            x509.ExtendedKeyUsage([ExtendedKeyUsageOID.TIME_STAMPING]), critical=True
        ).add_extension(
            x509.KeyUsage(True, False, False, False, False, False, False, False, False),
            critical=True,
        )
    return builder.sign(signer, hashes.SHA256())


@dataclass
class Tsa:
    url: str
    root: Path


def _pem(cert: x509.Certificate) -> bytes:
    return cert.public_bytes(serialization.Encoding.PEM)


@pytest.fixture
def tsa(tmp_path: Path) -> Iterator[Tsa]:
    folder = tmp_path / "tsa"
    folder.mkdir()
    root_key, tsa_key = (
        ec.generate_private_key(ec.SECP256R1()),
        ec.generate_private_key(ec.SECP256R1()),
    )
    root = _certificate("Test Root", root_key, "Test Root", root_key, ca=True)
    leaf = _certificate("Test TSA", tsa_key, "Test Root", root_key, ca=False)
    (folder / "root.pem").write_bytes(_pem(root))
    (folder / "tsa.pem").write_bytes(_pem(leaf))
    (folder / "tsa.key").write_bytes(
        tsa_key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    (folder / "serial").write_text("01\n")
    (folder / "openssl.cnf").write_text(OPENSSL_CONFIG.format(dir=folder))

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            query = self.rfile.read(int(self.headers["content-length"]))
            with tempfile.TemporaryDirectory(dir=folder) as work:
                (Path(work) / "q.tsq").write_bytes(query)
                subprocess.run(
                    ["openssl", "ts", "-reply", "-config", str(folder / "openssl.cnf"),
                     "-queryfile", f"{work}/q.tsq", "-out", f"{work}/r.tsr"],
                    check=True, capture_output=True,
                )  # fmt: skip
                answer = (Path(work) / "r.tsr").read_bytes()
            self.send_response(200)
            self.send_header("Content-Type", "application/timestamp-reply")
            self.send_header("Content-Length", str(len(answer)))
            self.end_headers()
            self.wfile.write(answer)

        def log_message(self, *args: object) -> None:
            pass

    server = HTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield Tsa(f"http://127.0.0.1:{server.server_address[1]}/tsr", folder / "root.pem")
    server.shutdown()
    server.server_close()


def _configure(root: Path, tsa: Tsa) -> None:
    with open(root / "garant.toml", "a", encoding="utf-8") as toml:
        toml.write(f'[audit]\ntimestamp_url = "{tsa.url}"\ntimestamp_root_cert = "{tsa.root}"\n')


def test_an_anchor_is_stamped_and_the_stamp_checked(tmp_path: Path, tsa: Tsa) -> None:
    root = write_workspace(tmp_path / "ws")
    _configure(root, tsa)
    garant = Garant.open(root)
    try:
        with garant.unit_of_work() as uow:
            uow.audit("test.action", "thing", 1)
            seal_today(uow)
            anchor = current_anchor(uow)
        stamped = stamp_anchor(garant, anchor)
        assert stamped.timestamp is not None
        assert stamped.timestamp["tsa"] == tsa.url and stamped.timestamp["checked_against_root"]
        assert check_stamp(stamped, tsa.root) == stamped.timestamp["gen_time"]
        check = anchor_stamp(garant, stamped)
        assert check is not None and check.ok and tsa.url in check.text
        other = replace(stamped, head_hash="0" * 64)  # the stamp does not cover another head
        with pytest.raises(IntegrityError, match="does not verify"):
            check_stamp(other, tsa.root)
        garant.settings.audit.timestamp_url = "http://127.0.0.1:1/tsr"
        with pytest.raises(ConnectorError, match="unreachable"):
            stamp_anchor(garant, anchor)
    finally:
        garant.close()


def test_garant_audit_anchor_stamps_and_verify_checks_the_stamp(tmp_path: Path, tsa: Tsa) -> None:
    ws = write_workspace(tmp_path / "ws")
    _configure(ws, tsa)
    assert run("audit", "seal", "-w", str(ws), cwd=tmp_path).returncode == 0
    anchor = tmp_path / "anchor.json"
    made = run("audit", "anchor", "--out", str(anchor), "-w", str(ws), cwd=tmp_path)
    assert made.returncode == 0, made.stderr
    assert '"timestamp"' in anchor.read_text()
    checked = run("audit", "verify", "--anchor", str(anchor), "-w", str(ws), cwd=tmp_path)
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert "Time-stamped by" in checked.stdout and "Chain intact" in checked.stdout
