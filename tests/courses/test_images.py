"""Images uploaded into a course's media: recognised by content, decoded in full, re-encoded
without metadata; refused with a message that names the file, in the page's language."""

import io

import pytest
import sqlalchemy as sa
from PIL import Image, PngImagePlugin

from courseware.courses.images import clean_image, ImageRefused, MAX_BYTES, media_name
from courseware.courses.models import CourseMedia
from courseware.db import db
from tests.courses.conftest import jpeg, png, signed_in, token_of

SCRIPT = b"<script>alert(document.cookie)</script>"
SVG = (
    b'<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10">'
    b"<script>alert(1)</script></svg>"
)


def png_with_script() -> bytes:
    info = PngImagePlugin.PngInfo()
    info.add_text("Comment", SCRIPT.decode())
    info.add_itxt("XML:com.adobe.xmp", SCRIPT.decode())
    data = png(pnginfo=info)
    assert SCRIPT in data
    return data


def big_file() -> bytes:
    """A real PNG padded past 6 MB: its header says image, its size says no."""
    return png() + b"\0" * (6 * 1024 * 1024)


# --- the checks themselves --------------------------------------------------------------------


def test_a_png_with_a_script_in_its_metadata_is_stored_without_it():
    image = clean_image(png_with_script(), "chart.png")
    assert SCRIPT not in image.data and b"Comment" not in image.data and b"XML:" not in image.data
    assert (image.extension, image.content_type, image.width, image.height) == (
        "png",
        "image/png",
        40,
        30,
    )
    with Image.open(io.BytesIO(image.data)) as again:
        assert again.getpixel((0, 0)) == (200, 30, 30)
        assert not set(again.info) - {"dpi"}


def test_a_jpeg_loses_its_exif():
    exif = Image.Exif()
    exif[0x010E] = "secret place"  # ImageDescription
    out = io.BytesIO()
    Image.new("RGB", (20, 10)).save(out, "JPEG", exif=exif)
    assert b"secret place" in out.getvalue()
    image = clean_image(out.getvalue(), "photo.jpeg")
    assert b"secret place" not in image.data and image.extension == "jpg"


@pytest.mark.parametrize("cut", [0.5, 0.9])
def test_a_truncated_jpeg_is_refused(cut):
    data = jpeg()
    with pytest.raises(ImageRefused) as refused:
        clean_image(data[: int(len(data) * cut)], "photo.jpg")
    assert refused.value.reason == "damaged" and refused.value.filename == "photo.jpg"


def test_an_svg_renamed_png_is_refused():
    with pytest.raises(ImageRefused) as refused:
        clean_image(SVG, "logo.png")
    assert refused.value.reason == "svg"


def test_a_text_file_is_no_image():
    with pytest.raises(ImageRefused) as refused:
        clean_image(b"just some words", "notes.png")
    assert refused.value.reason == "not_image"


def test_a_file_over_five_megabytes_is_refused_before_it_is_decoded():
    with pytest.raises(ImageRefused) as refused:
        clean_image(big_file(), "huge.png")
    assert refused.value.reason == "too_large"
    assert refused.value.params["size"] > MAX_BYTES


def test_gif_and_webp_are_taken_and_an_animation_keeps_its_frames():
    frames = [Image.new("RGB", (8, 8), (i * 80, 0, 0)) for i in range(3)]
    out = io.BytesIO()
    frames[0].save(out, "GIF", save_all=True, append_images=frames[1:], duration=80, loop=0)
    gif = clean_image(out.getvalue(), "a.gif")
    with Image.open(io.BytesIO(gif.data)) as again:
        assert again.n_frames == 3
    out = io.BytesIO()
    Image.new("RGBA", (8, 8)).save(out, "WEBP")
    assert clean_image(out.getvalue(), "b.webp").content_type == "image/webp"


def test_media_names_are_safe_and_tell_different_images_apart():
    first, second = clean_image(png(), "x.png"), clean_image(png(41, 30), "x.png")
    assert media_name("../../统计 图.PNG", first) == f"image-{first.sha256[:8]}.png"
    assert media_name("Chart One.png", first) == f"chart-one-{first.sha256[:8]}.png"
    assert media_name("x.png", first) != media_name("x.png", second)


# --- uploading through the editor ---------------------------------------------------------------

UPLOAD = "/author/test-course/media"


def upload(auth, data: bytes, name: str, json=True):
    page = auth.client.get(UPLOAD).get_data(as_text=True)
    headers = {"Accept": "application/json"} if json else {}
    return auth.client.post(
        UPLOAD,
        data={"csrf_token": token_of(page), "alt": "图", "image": (io.BytesIO(data), name)},
        headers=headers,
        content_type="multipart/form-data",
    )


def stored(app) -> list[CourseMedia]:
    with app.app_context():
        rows = db.session.scalars(sa.select(CourseMedia)).all()
        return [(m.name, m.data) for m in rows]


def test_an_upload_is_stored_re_encoded_and_served(app, teacher):
    response = upload(teacher, png_with_script(), "统计图.png")
    assert response.status_code == 200, response.get_data(as_text=True)
    body = response.get_json()
    assert body["markdown"] == f"![图](media/{body['name']})"
    ((name, data),) = stored(app)
    assert name == body["name"] and SCRIPT not in data
    served = teacher.client.get(body["url"])
    assert served.status_code == 200 and served.mimetype == "image/png" and served.data == data
    assert (
        teacher.client.get(
            body["url"], headers={"If-None-Match": served.headers["ETag"]}
        ).status_code
        == 304
    )


@pytest.mark.parametrize(
    ("locale", "name", "make", "message"),
    [
        ("zh", "photo.jpg", lambda: jpeg()[:800], "无法读取图片“photo.jpg”：文件已损坏或不完整。"),
        ("en", "photo.jpg", lambda: jpeg()[:800], "“photo.jpg” could not be read as an image"),
        ("zh", "logo.png", lambda: SVG, "“logo.png”是 SVG 矢量图"),
        ("en", "logo.png", lambda: SVG, "“logo.png” is an SVG drawing"),
        ("zh", "huge.png", big_file, "“huge.png”大小为 6.0 MB，图片不能超过 5 MB"),
        ("en", "huge.png", big_file, "“huge.png” is 6.0 MB; an image may be at most 5 MB"),
        ("zh", "notes.png", lambda: b"words", "“notes.png”不是 PNG、JPEG、GIF 或 WebP 图片"),
        ("en", "notes.png", lambda: b"words", "“notes.png” is not a PNG, JPEG, GIF or WebP image"),
    ],
)
def test_a_refused_upload_names_the_file_in_the_page_language(
    app, make_user, lessons_dir, sync, locale, name, make, message
):
    sync()
    auth = signed_in(app, make_user, locale=locale)
    response = upload(auth, make(), name)
    assert response.status_code == 400
    assert message in response.get_json()["error"]
    # Without script the images page says it beside its field.
    response = upload(auth, make(), name, json=False)
    assert response.status_code == 400 and message in response.get_data(as_text=True)
    assert stored(app) == []


def test_only_the_courses_editors_upload(app, make_user, lessons_dir, sync):
    sync()
    outsider = signed_in(app, make_user, username="t9", edits=False)
    assert outsider.client.get(UPLOAD).status_code == 404
    response = outsider.post(UPLOAD, data={"image": (io.BytesIO(png()), "a.png")})
    assert response.status_code == 404 and stored(app) == []


def test_an_upload_without_its_token_is_refused(app, teacher):
    response = teacher.client.post(
        UPLOAD, data={"image": (io.BytesIO(png()), "a.png")}, content_type="multipart/form-data"
    )
    assert response.status_code == 400 and stored(app) == []
