"""The registration certificate as a PDF (辽人社〔2022〕22号 第九条; 辽人社提〔2024〕5号: services by
"二维码…等多种方式"): the masked facts of one registration and a QR code of its public verification page.
It shows what the verification page shows, masked, so a copy left with an employer leaks nothing more.

Font and QR drawing are the work record's (``lingong.market.workrecord``): reportlab's built-in CID font
STSong-Light, so no font file ships with the platform.
"""

from __future__ import annotations

import datetime as dt
import io

from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils import timezone
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from lingong.market.workrecord import QR_SIZE, QrLink, pdf_font
from lingong.registration import selectors
from lingong.registration.models import RegistrationBase
from lingong.registration.selectors import VerifiedCertificate


def _day(value: dt.date | None) -> str:
    return f"{value:%Y年%m月%d日}" if value else "—"


def render(certificate: VerifiedCertificate, *, verify_url: str, issued: dt.date) -> bytes:
    """One A4 page: title, the facts in a table, the QR code and the verification address."""
    font = pdf_font()
    base = ParagraphStyle("body", fontName=font, fontSize=11, leading=16)
    small = ParagraphStyle("small", parent=base, fontSize=8, leading=11, textColor=colors.HexColor("#444444"))
    title = ParagraphStyle("title", parent=base, fontSize=20, leading=28, alignment=1, spaceAfter=6)

    buffer = io.BytesIO()
    doc = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=20 * mm,
        rightMargin=20 * mm,
        topMargin=20 * mm,
        bottomMargin=20 * mm,
        title=f"{certificate.kind_label}证明 {certificate.number}",
        author="灵工平台",
    )
    facts = [
        ("编号", certificate.number),
        ("姓名", certificate.masked_name),
        ("身份证号码", certificate.masked_id_number),
        ("登记类别", certificate.kind_label),
        ("状态", certificate.status_label),
        ("受理日期", _day(certificate.received_on)),
        ("登记日期", _day(certificate.registered_on)),
        ("终止日期", _day(certificate.ended_on)),
        ("办理机构", certificate.office),
    ]
    table = Table(
        [[Paragraph(k, base), Paragraph(v, base)] for k, v in facts],
        colWidths=[35 * mm, doc.width - 35 * mm - QR_SIZE - 6 * mm],
    )
    table.setStyle(
        TableStyle(
            [
                ("GRID", (0, 0), (-1, -1), 0.4, colors.HexColor("#888888")),
                ("BACKGROUND", (0, 0), (0, -1), colors.HexColor("#f2f2f2")),
                ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
            ]
        )
    )
    body = Table(
        [[table, [QrLink(verify_url), Paragraph("扫码核验真伪", small)]]],
        colWidths=[doc.width - QR_SIZE - 6 * mm, QR_SIZE + 6 * mm],
    )
    body.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP"), ("ALIGN", (1, 0), (1, 0), "CENTER")]))
    story = [
        Paragraph(f"{certificate.kind_label}证明", title),
        Spacer(1, 4 * mm),
        body,
        Spacer(1, 8 * mm),
        Paragraph(
            "本证明由灵工平台根据登记记录出具，个人信息已作脱敏处理。任何人可扫描二维码或访问以下地址核验真伪：",
            small,
        ),
        Paragraph(verify_url, small),
        Spacer(1, 4 * mm),
        Paragraph(f"出具日期：{issued:%Y年%m月%d日}", base),
    ]
    doc.build(story)
    return buffer.getvalue()


def verify_url(request: HttpRequest, registration: RegistrationBase) -> str:
    """The public verification address the certificate's QR code encodes (the page, the PDF and the API
    give the same one); ``NotFound`` unless the registration is registered."""
    token = selectors.certificate_token(registration)
    return request.build_absolute_uri(reverse("registration:verify", args=[token]))


def pdf_response(request: HttpRequest, registration: RegistrationBase) -> HttpResponse:
    """The certificate of a registration the caller may read, as an inline PDF (page and API)."""
    url = verify_url(request, registration)
    pdf = render(selectors.certificate_for(registration), verify_url=url, issued=timezone.localdate())
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = (
        f'inline; filename="registration-{registration.KIND}-{registration.pk}.pdf"'
    )
    return response
