"""The phone's outbox (static/js/room_outbox.js) sends the room's forms with fetch. A redirect
after a form is answered to it as 204 with the address in a header: the script goes there itself,
and the message the form flashed is still waiting for that page (fetch would have followed the
redirect and shown the message to nobody). A form refused with its page (400) is answered 200
with a header saying so: the script shows why, and the browser logs no failed request."""

from __future__ import annotations

from flask import request, Response

HEADER = "X-Outbox"
LOCATION = "X-Outbox-Location"
REFUSED = "X-Outbox-Refused"


def redirect_for_script(response: Response) -> Response:
    if request.headers.get(HEADER) == "1" and response.status_code in (301, 302, 303):
        location = response.headers["Location"]
        response = Response(status=204)
        response.headers[LOCATION] = location
    elif (
        request.headers.get(HEADER) == "1"
        and response.status_code == 400
        and not request.headers.get("HX-Request")
    ):
        response.status_code = 200
        response.headers[REFUSED] = "1"
    return response


def init_blueprint(bp) -> None:
    bp.after_request(redirect_for_script)
