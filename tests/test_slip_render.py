"""Slip PDFs: every field in the text layer, page sizes, the QR read back from a 200 dpi
rendering and verified, DÉMO / DUPLICATA marks, long names, photos, unprintable characters."""

from __future__ import annotations

import io
import re
import shutil
import subprocess
from datetime import datetime, timezone

import pytest

from border_app import slip_data
from border_app import slip_payload as sp
from border_app.errors import InvalidInput
from border_app.keys import KdfParams, Keystore
from border_app.slip_data import SlipData, sign_slip_data
from printing import slip_blocks, slip_draw, slips
from printing.slips import render_slip

import pypdf
MM = 72 / 25.4
ISSUED = datetime(2025, 3, 12, 9, 30, tzinfo=timezone.utc)  # 10:30 in Niger
RECORD = "5f0c7a3e-2b1d-4c8e-9a6f-0d1e2f3a4b5c"
SERIAL = "NE006013-2026-000001"   # <PCODE>-<YYYY>-<NNNNNN>, from db/slip_services.py


@pytest.fixture(scope="module")
def keys(tmp_path_factory):
    path = tmp_path_factory.mktemp("ks") / "keystore.json"
    return Keystore.create(path, post_id="NE-POST-1", kdf=KdfParams.TEST, first_slot=("admin", "pw pw pw"))[1]


def lookup_for(keys):
    return {keys.signing_key_id: (keys.signing_public_key, "Poste de Makalondi")}.get


def photo_bytes(fmt="JPEG", size=(300, 400)) -> bytes:
    from PIL import Image, ImageDraw

    img = Image.new("RGB", size, (200, 210, 230))
    ImageDraw.Draw(img).ellipse((75, 60, 225, 240), fill=(120, 90, 60))
    buf = io.BytesIO()
    img.save(buf, fmt)
    return buf.getvalue()


def data(**changes) -> SlipData:
    values = dict(
        post_name="Poste frontière de Makalondi", post_pcode="NE006013", issued_at=ISSUED,
        serial=SERIAL, surname="ABDOULAYE MAHAMADOU", given_names="Françoise Élodie",
        birth_date="1985-03-12", nationality="MLI", document_type="passport", document_number="19AB12345",
        photo=None, screening_outcome="referral", direction="entry", record_id=RECORD,
    )
    values.update(changes)
    return SlipData(**values)


def make_slip(data: SlipData, *, kind: str, size: str, keys, post_id: str, demo: bool, duplicate: bool = False,
              languages: tuple[str, ...] = ("fr", "en")) -> tuple[bytes, str]:
    """What the callers do: sign the slip's data, then render it with the signed code."""
    qr_text = sign_slip_data(data, kind=kind, post_id=post_id, keys=keys, demo=demo)
    return render_slip(data, kind=kind, size=size, languages=languages, demo=demo, duplicate=duplicate,
                       qr_text=qr_text), qr_text


def text_of(pdf: bytes) -> str:
    reader = pypdf.PdfReader(io.BytesIO(pdf))
    return "\n".join(page.extract_text() for page in reader.pages)


def flat(text: str) -> str:
    return re.sub(r"\s+", " ", text)


def pages(pdf: bytes):
    return pypdf.PdfReader(io.BytesIO(pdf)).pages


def render_png(pdf: bytes, tmp_path, dpi=200):
    if shutil.which("pdftoppm") is None:
        pytest.skip("pdftoppm (poppler-utils) is not installed")
    src = tmp_path / "slip.pdf"
    src.write_bytes(pdf)
    subprocess.run(["pdftoppm", "-r", str(dpi), "-png", "-singlefile", str(src), str(tmp_path / "page")],
                   check=True, timeout=60)
    from PIL import Image

    return Image.open(tmp_path / "page.png")


def read_qr(image):
    import zxingcpp
    found = [r for r in zxingcpp.read_barcodes(image) if r.format == zxingcpp.BarcodeFormat.QRCode]
    assert len(found) == 1, found
    return found[0]


def qr_width_mm(result, dpi=200) -> float:
    pos = result.position
    xs = [pos.top_left.x, pos.top_right.x, pos.bottom_left.x, pos.bottom_right.x]
    return (max(xs) - min(xs)) / dpi * 25.4


@pytest.mark.parametrize("size", ["80mm", "a6", "a4"])
@pytest.mark.parametrize("kind", ["registration", "screening"])
def test_every_field_is_in_the_pdf_text(keys, size, kind):
    pdf, _qr = make_slip(data(), kind=kind, size=size, keys=keys, post_id="NE-POST-1", demo=False)
    assert pdf.startswith(b"%PDF")
    assert len(pages(pdf)) == 1
    text = flat(text_of(pdf))
    expected = [
        "Poste frontière de Makalondi", "NE006013", SERIAL,
        "ABDOULAYE", "MAHAMADOU", "Françoise Élodie",
        "12/03/1985", "Mali", "Passeport", "Passport", "19AB12345",
        "12/03/2025 10:30",  # local time (UTC+1)
        "Entrée / Entry", "Nom / Name", "Date de naissance / Date of birth", "Nationalité / Nationality",
        RECORD,
    ]
    if kind == "screening":
        expected += ["ATTESTATION DE DÉPISTAGE SANITAIRE", "HEALTH SCREENING ATTESTATION",
                     "Résultat du dépistage / Screening outcome", "Referral to a health facility"]
    else:
        expected += ["ATTESTATION D'ENREGISTREMENT", "REGISTRATION ATTESTATION"]
    for item in expected:
        assert item in text, (item, text)
    if kind == "registration":
        assert "Screening outcome" not in text and "Referral" not in text
    assert "DÉMO" not in text and "DUPLICATA" not in text


@pytest.mark.parametrize("size, width_mm, height_mm", [("80mm", 80, None), ("a6", 105, 148), ("a4", 210, 297)])
def test_page_sizes(keys, size, width_mm, height_mm):
    pdf, _ = make_slip(data(), kind="screening", size=size, keys=keys, post_id="P", demo=True)
    box = pages(pdf)[0].mediabox
    assert float(box.width) == pytest.approx(width_mm * MM, abs=0.5)
    if height_mm is None:  # roll: as long as the content, within reason
        assert 120 * MM < float(box.height) < 260 * MM
    else:
        assert float(box.height) == pytest.approx(height_mm * MM, abs=0.5)


@pytest.mark.parametrize("size, min_mm, max_mm", [("80mm", 45, 72), ("a6", 25, 60), ("a4", 25, 120)])
def test_qr_is_read_back_from_the_printed_page_and_verifies(keys, tmp_path, size, min_mm, max_mm):
    pdf, qr_text = make_slip(data(photo=photo_bytes()), kind="screening", size=size, keys=keys,
                             post_id="NE-POST-1", demo=True)
    result = read_qr(render_png(pdf, tmp_path))
    assert result.text == qr_text
    assert min_mm <= qr_width_mm(result) <= max_mm
    checked = sp.verify_slip_text(result.text, lookup_for(keys))
    assert checked.signature == "valid"
    assert checked.holder["name"] == "ABDOULAYE MAHAMADOU Françoise Élodie"
    assert checked.entries[0]["outcome"] == "referral"
    assert checked.entries[0]["serial"] == SERIAL
    assert checked.raw["version"] == 2 and "record_id" not in checked.raw  # version 2: no record id
    # and a changed byte in what was read fails
    raw = sp.b45decode(result.text[len(sp.PREFIX_V2):])
    tampered = sp.PREFIX_V2 + sp.b45encode(raw[:40] + bytes([raw[40] ^ 1]) + raw[41:])
    assert sp.verify_slip_text(tampered, lookup_for(keys)).signature != "valid"


@pytest.mark.parametrize("size", ["80mm", "a6", "a4"])
def test_demo_and_duplicata_marks(keys, size):
    pdf, _ = make_slip(data(), kind="registration", size=size, keys=keys, post_id="P", demo=True, duplicate=True)
    text = flat(text_of(pdf))
    assert "DÉMO" in text
    assert "DUPLICATA" in text
    assert "sans valeur" in text
    plain, _ = make_slip(data(), kind="registration", size=size, keys=keys, post_id="P", demo=False)
    assert "DÉMO" not in text_of(plain) and "DUPLICATA" not in text_of(plain)


@pytest.mark.parametrize("size", ["80mm", "a6", "a4"])
def test_long_names_wrap_or_shrink_and_are_never_cut(keys, size):
    surname = "OUEDRAOGO-KABORE-TRAORE-SAWADOGO-ZONGO-COMPAORE"
    given = "Marie-Françoise Aïssatou Élisabeth Ramatoulaye Kadidiatou Mariamou Hadizatou"
    pdf, _ = make_slip(data(surname=surname, given_names=given), kind="screening", size=size, keys=keys,
                       post_id="P", demo=False)
    assert len(pages(pdf)) == 1
    text = re.sub(r"\s+", "", text_of(pdf))
    assert re.sub(r"\s+", "", surname + given) in text


def test_absurdly_long_texts_still_fit_one_page_and_keep_every_character(keys):
    name = " ".join(["ABDOURAHAMANE"] * 14)[:199]
    pdf = render_slip(data(surname=name, given_names="", post_name="Poste " * 30), kind="screening", size="a6",
                      demo=False, qr_text=sp.sign_slip(slip_data.payload_for(data(surname=name, given_names=""),
                                                                         kind="screening", post_id="P"), keys))
    assert len(pages(pdf)) == 1
    assert float(pages(pdf)[0].mediabox.height) == pytest.approx(148 * MM, abs=0.5)
    assert re.sub(r"\s+", "", text_of(pdf)).count("ABDOURAHAMANE") >= 14


def _image_count(pdf: bytes) -> int:
    count = 0
    for page in pages(pdf):
        xobjects = page["/Resources"].get("/XObject") or {}
        count += sum(1 for ref in xobjects.values() if ref.get_object()["/Subtype"] == "/Image")
    return count


@pytest.mark.parametrize("size", ["80mm", "a6", "a4"])
def test_photo_present_missing_or_broken(keys, size):
    qr = sp.sign_slip(slip_data.payload_for(data(), kind="registration", post_id="P"), keys)
    with_photo = render_slip(data(photo=photo_bytes()), kind="registration", size=size, demo=False, qr_text=qr)
    png_photo = render_slip(data(photo=photo_bytes("PNG", (2000, 2600))), kind="registration", size=size,
                            demo=False, qr_text=qr)
    without = render_slip(data(photo=None), kind="registration", size=size, demo=False, qr_text=qr)
    broken = render_slip(data(photo=b"\xff\xd8\xff\xe0 not really a jpeg"), kind="registration", size=size,
                         demo=False, qr_text=qr)
    assert _image_count(with_photo) == 1 and _image_count(png_photo) == 1
    assert _image_count(without) == 0 and _image_count(broken) == 0
    assert "Photo illisible" in text_of(broken)
    assert "illisible" not in text_of(without)
    assert len(png_photo) < 400_000  # big photos are scaled down


def test_accents_cedillas_and_unprintable_characters(keys, tmp_path):
    d = data(surname="ÉLODIE ÇAĞLAR Ãngelo Weiß", given_names="Françoise 中文 ⵜⵉⴼⵉⵏⴰⵖ علي")
    pdf, _ = make_slip(d, kind="registration", size="a6", keys=keys, post_id="P", demo=False)
    text = text_of(pdf)
    for word in ("ÉLODIE", "ÇAĞLAR", "Ãngelo", "Weiß", "Françoise", "ⵜⵉⴼⵉⵏⴰⵖ"):
        assert word in text, word
    assert "中" not in text and "ع" not in text
    assert "\ufffd\ufffd" in text  # 中文 -> two visible replacement marks, not dropped
    assert text.count("\ufffd") >= 2 + 3 + 1  # CJK (2) + Arabic (3) + the notice's own mark
    assert "caractères impossibles à imprimer" in text
    # nothing unprintable: no notice
    assert "impossibles" not in text_of(make_slip(data(), kind="registration", size="a6", keys=keys,
                                                  post_id="P", demo=False)[0])


def test_fonts_are_embedded(keys):
    pdf, _ = make_slip(data(), kind="screening", size="80mm", keys=keys, post_id="P", demo=True)
    fonts_found = pages(pdf)[0]["/Resources"]["/Font"]
    assert fonts_found
    for ref in fonts_found.values():
        font = ref.get_object()
        descriptor = font.get("/FontDescriptor")
        if descriptor is None:  # Type0 fonts keep it on the descendant
            descriptor = font["/DescendantFonts"][0].get_object()["/FontDescriptor"]
        assert "/FontFile2" in descriptor.get_object()


def test_declared_identity_and_approximate_birth_date(keys):
    d = data(document_type=None, document_number=None, birth_date="1990", birth_date_approximate=True,
             nationality=None)
    pdf, qr = make_slip(d, kind="registration", size="80mm", keys=keys, post_id="P", demo=False)
    text = flat(text_of(pdf))
    assert "Identité déclarée (sans document) / Identity declared (no document)" in text
    assert "vers 1990 / about 1990" in text
    assert "Inconnu" in text or "Inconnue" in text
    decoded = sp.decode_slip_text(qr)[0]
    assert decoded.identity_declared and decoded.birth_date == "1990" and decoded.birth_date_approximate


@pytest.mark.parametrize("languages, present, absent", [
    (("en",), "REGISTRATION ATTESTATION", "ATTESTATION D'ENREGISTREMENT"),
    (("fr",), "ATTESTATION D'ENREGISTREMENT", "REGISTRATION ATTESTATION"),
    (("en", "fr"), "Name / Nom", "Nom / Name"),
])
def test_languages(keys, languages, present, absent):
    pdf, _ = make_slip(data(), kind="registration", size="a6", keys=keys, post_id="P", demo=False,
                       languages=languages)
    text = flat(text_of(pdf))
    assert present in text and absent not in text


def test_screening_slip_shows_only_the_outcome_label(keys):
    pdf, _ = make_slip(data(screening_outcome="isolation"), kind="screening", size="a6", keys=keys, post_id="P",
                       demo=False)
    text = flat(text_of(pdf))
    assert "Isolement" in text or "Isolation" in text
    for medical in ("°C", "temperature", "température", "fever", "fièvre", "symptom"):
        assert medical not in text


@pytest.mark.parametrize("kwargs", [dict(kind="vaccination"), dict(size="letter"), dict(languages=("de",)),
                                    dict(qr_text=""), dict(qr_text="HHBM1:" + "A" * 5000)])
def test_bad_arguments_are_clear_errors(kwargs):
    args = dict(kind="registration", size="a6", languages=("fr", "en"), demo=False, qr_text="HHBM1:ABC")
    args.update(kwargs)
    with pytest.raises(InvalidInput):
        render_slip(data(), **args)


def test_pdf_is_bounded_for_a_hostile_photo(keys):
    from PIL import Image

    buf = io.BytesIO()
    Image.new("L", (12000, 12000)).save(buf, "PNG")  # 144 Mpx, a few hundred kB compressed
    pdf = render_slip(data(photo=buf.getvalue()), kind="registration", size="a6", demo=False,
                      qr_text=sp.sign_slip(slip_data.payload_for(data(), kind="registration", post_id="P"), keys))
    assert _image_count(pdf) == 0 and "Photo illisible" in text_of(pdf)


def test_segno_fallback_draws_a_readable_code(keys, tmp_path, monkeypatch):
    import types

    import segno
    qr_text = sp.sign_slip(slip_data.payload_for(data(), kind="screening", post_id="P"), keys)
    made = []
    real_make = segno.make
    monkeypatch.setattr(segno, "make", lambda *a, **k: made.append(a) or real_make(*a, **k))
    # a zxing-cpp too old to write (no create_barcode): segno draws the code
    monkeypatch.setattr(slip_draw, "zxingcpp", types.SimpleNamespace())
    matrix = slip_draw.qr_matrix(qr_text)
    pdf = render_slip(data(), kind="screening", size="a6", demo=False, qr_text=qr_text)
    assert made                                  # segno drew it
    assert len(matrix) == len(matrix[0]) >= 21
    assert read_qr(render_png(pdf, tmp_path)).text == qr_text


SERIALS = ["NE006013-2026-000001",        # 20 characters: today's serial
           "NE006013XYZW-2026-000123"]    # 24 characters: a longer P-code


@pytest.mark.parametrize("serial", SERIALS)
@pytest.mark.parametrize("size", ["80mm", "a6", "a4"])
@pytest.mark.parametrize("duplicate", [False, True])
def test_serial_is_never_broken(keys, serial, size, duplicate):
    """The serial prints on one line (it shrinks to fit): the text layer holds it whole."""
    pdf, _qr = make_slip(data(serial=serial), kind="registration", size=size, keys=keys, post_id="P", demo=False,
                         duplicate=duplicate)
    lines = text_of(pdf).splitlines()
    assert any(serial in line for line in lines), [ln for ln in lines if "-20" in ln]
    # no line holds a piece of it (as "…-00000" then "1" would)
    pieces = (serial[:-3], "2026-", serial[-4:])
    for line in lines:
        if any(p in line for p in pieces):
            assert serial in line, line


@pytest.mark.parametrize("size", ["80mm", "a6", "a4"])
def test_serial_fits_its_column(size):
    """At the size chosen, the serial's drawn width fits the field (never over the photo)."""
    from printing import fonts
    from printing.fonts import BOLD

    fonts.register_fonts()
    st = slip_blocks.STYLES[size]
    if size == "80mm":
        width = 80 * MM - 2 * st.margin - st.photo_w_mm * MM - 3 * MM
    else:
        width = slips.PAGE_SIZES[size][0] - 2 * st.margin - st.photo_w_mm * MM - 4 * MM
    for serial in SERIALS:
        lines, font_size = slips.serial_lines(serial, BOLD, st.base, width, min_size=st.name_min)
        assert lines == [serial]
        assert fonts.string_width(serial, BOLD, font_size) <= width
        assert font_size >= st.name_min


def test_absurd_serial_breaks_only_after_a_hyphen():
    from printing import fonts
    from printing.fonts import BOLD

    fonts.register_fonts()
    serial = "NE006013-2026-000001-REPRINT-000002-EXTRA-LONG-SUFFIX"
    lines, size = slips.serial_lines(serial, BOLD, 9.5, 45 * MM, min_size=7.0)
    assert len(lines) >= 2 and size == 7.0
    assert "".join(lines) == serial
    assert all(line.endswith("-") for line in lines[:-1])
    for line in lines:      # numbers are whole: each line is made of whole parts
        assert all(part for part in line.rstrip("-").split("-"))
    assert {p for line in lines for p in line.rstrip("-").split("-")} == set(serial.split("-"))


def test_printing_only_renders_the_code_it_is_given(keys):
    """Signing is the caller's (``border_app.slip_data.sign_slip_data``): printing has no
    entry point that signs, and none of its slip modules imports the keys or the signer."""
    import ast
    from pathlib import Path

    assert not hasattr(slips, "make_slip")
    for path in Path(slips.__file__).parent.glob("slip*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        imported = {node.module for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)}
        imported |= {a.name for node in ast.walk(tree) if isinstance(node, ast.Import) for a in node.names}
        signing = {m for m in imported if m and (m.startswith("border_app.keys") or m == "border_app.slip_payload")}
        assert not signing, path
        assert len(path.read_text(encoding="utf-8").splitlines()) <= 600, path
    signed = sign_slip_data(data(), kind="registration", post_id="P", keys=keys, demo=False)
    assert signed == sp.sign_slip(slip_data.payload_for(data(), kind="registration", post_id="P"), keys)
    decoded = sp.decode_slip_text(signed)[0]
    assert decoded.kind == "registration" and decoded.serial == SERIAL and not decoded.demo
    demo_signed = sign_slip_data(data(), kind="screening", post_id="P", keys=keys, demo=True)
    assert sp.decode_slip_text(demo_signed)[0].demo
