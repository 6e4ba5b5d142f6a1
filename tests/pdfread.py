"""Reading back what a PDF the platform made says, and which fonts it carries (pypdf)."""

import io

import pypdf


def pdf_lines(data: bytes) -> list[str]:
    """The text of every page, line by line, as a reader copying it would get it."""
    lines = []
    for page in pypdf.PdfReader(io.BytesIO(data)).pages:
        lines += [line.strip() for line in page.extract_text().splitlines()]
    return lines


def embedded_fonts(data: bytes) -> dict[str, bool]:
    """Each font the pages use: its name without the subset prefix, and whether its file is embedded."""
    fonts = {}
    for page in pypdf.PdfReader(io.BytesIO(data)).pages:
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            name = str(font["/BaseFont"]).lstrip("/").split("+")[-1]
            descriptor = font.get("/FontDescriptor")
            descriptor = descriptor.get_object() if descriptor is not None else {}
            fonts[name] = any(
                key in descriptor for key in ("/FontFile", "/FontFile2", "/FontFile3")
            )
    return fonts
