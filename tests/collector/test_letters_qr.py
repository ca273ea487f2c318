"""The letters' QR codes: rendered from the PDF (PDFium) and decoded (zbar), each must give the
personal link of the code printed beside it; and each QR code fits on its page."""

from __future__ import annotations

import pytest

from collector import codes, letters
from tests.collector.test_letters import INFO, ISSUED


def _decoder():
    try:
        from pyzbar import pyzbar
    except ImportError as error:  # the zbar library (Debian libzbar0) is missing
        pytest.skip(f"zbar is not installed ({error}); `make test` installs libzbar0 as root")
    return pyzbar


@pytest.mark.parametrize("language", ["nb", "en", "uk"])
def test_each_letter_has_a_qr_code_with_its_personal_link(app, language):
    if language not in letters.LATIN1_LANGUAGES and letters.unicode_font_dir() is None:
        pytest.skip("DejaVu Sans is not installed")
    import pypdfium2

    pyzbar = _decoder()
    pdf = letters.pdf_bytes(ISSUED, INFO, language)
    document = pypdfium2.PdfDocument(pdf)
    assert len(document) == len(ISSUED)
    for page, item in zip(document, ISSUED, strict=True):
        image = page.render(scale=3).to_pil()
        found = [symbol.data.decode() for symbol in pyzbar.decode(image)]
        assert found == [f"https://helhet.eksempel.no/k/{item.code}"], found
    document.close()


def test_the_qr_code_is_the_personal_link_beside_the_answering_address():
    link = codes.personal_link("https://helhet.eksempel.no/svar", "K7MQ2XH9TD")
    assert link == "https://helhet.eksempel.no/k/K7MQ2XH9TD"
    matrix = letters.qr_matrix(link)
    # version 3 (29 x 29 modules) at error correction M: 0.9 mm a module in a 34 mm square
    assert len(matrix) == len(matrix[0]) == 29
    assert letters.QR_SIZE / (len(matrix) + 8) > 0.8
