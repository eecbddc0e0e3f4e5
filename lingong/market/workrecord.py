"""The worker's own work record as a PDF (辽人社〔2022〕22号 第七条; 辽人社提〔2024〕5号 asks for services
"采取二维码…等多种方式"): every completed gig with employer, dates, hours and wages, and a QR code
linking to the public verification page, so a future employer or a subsidy clerk can check the paper.

Chinese text uses reportlab's built-in CID font STSong-Light: the PDF viewer supplies the glyphs, so
no font file ships with the platform and the document stays small.
"""

from __future__ import annotations

import datetime as dt
import io

from reportlab.graphics.barcode.qr import QrCodeWidget
from reportlab.graphics.shapes import Drawing
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Flowable, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle
from reportlab.platypus.doctemplate import BaseDocTemplate

from lingong.market.selectors.work import RecordRow

FONT = "STSong-Light"
QR_SIZE = 32 * mm


def pdf_font() -> str:
    if FONT not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(UnicodeCIDFont(FONT))
    return FONT


class QrLink(Flowable):
    """The verification QR code, with a link annotation over it so the PDF is also clickable."""

    def __init__(self, url: str, size: float = QR_SIZE) -> None:
        super().__init__()
        self.url, self.size = url, size
        self.width = self.height = size

    def draw(self) -> None:
        widget = QrCodeWidget(self.url, barLevel="M")
        x0, y0, x1, y1 = widget.getBounds()
        drawing = Drawing(
            self.size, self.size, transform=[self.size / (x1 - x0), 0, 0, self.size / (y1 - y0), 0, 0]
        )
        drawing.add(widget)
        drawing.drawOn(self.canv, 0, 0)
        self.canv.linkURL(self.url, (0, 0, self.size, self.size), relative=1)


def _date_range(row: RecordRow) -> str:
    if row.start is None:
        return ""
    if row.end is None or row.end == row.start:
        return f"{row.start:%Y-%m-%d}"
    return f"{row.start:%Y-%m-%d} 至 {row.end:%m-%d}"


def render(
    *, worker_name: str, rows: list[RecordRow], verify_url: str, issued: dt.date | None = None
) -> bytes:
    """One A4 document: heading, the gigs in a table, totals, the QR code and its URL."""
    font = pdf_font()
    issued = issued or dt.date.today()
    base = ParagraphStyle("body", fontName=font, fontSize=10, leading=14)
    small = ParagraphStyle("small", parent=base, fontSize=8, leading=11, textColor=colors.HexColor("#444444"))
    title = ParagraphStyle("title", parent=base, fontSize=18, leading=24, spaceAfter=4)
    cell = ParagraphStyle("cell", parent=base, fontSize=9, leading=12)

    buffer = io.BytesIO()
    doc = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=15 * mm,
        rightMargin=15 * mm,
        topMargin=15 * mm,
        bottomMargin=18 * mm,
        title=f"{worker_name} 灵活就业工作记录",
        author="灵工平台",
    )
    header = Table(
        [
            [
                [
                    Paragraph("灵活就业工作记录", title),
                    Paragraph(f"劳动者：{worker_name}", base),
                    Paragraph(f"出具日期：{issued:%Y年%m月%d日}　　共 {len(rows)} 次完工记录", base),
                    Spacer(1, 3 * mm),
                    Paragraph(
                        "本记录由灵工平台根据签到签退与工时确认数据自动生成。扫描右侧二维码可核验真伪。",
                        small,
                    ),
                ],
                [QrLink(verify_url), Paragraph("扫码核验", small)],
            ]
        ],
        colWidths=[doc.width - QR_SIZE - 4 * mm, QR_SIZE + 4 * mm],
    )
    header.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP"), ("ALIGN", (1, 0), (1, 0), "CENTER")]))

    head = ["序号", "工作", "用工主体", "日期", "工时", "应付(元)", "收到工资", "评价"]
    data: list[list[object]] = [[Paragraph(h, cell) for h in head]]
    total_hours = sum((r.hours or 0) for r in rows)
    total_fen = sum((r.wage_due_fen or 0) for r in rows)
    for i, r in enumerate(rows, 1):
        data.append(
            [
                Paragraph(str(i), cell),
                Paragraph(r.post_title, cell),
                Paragraph(r.employer, cell),
                Paragraph(_date_range(r), cell),
                Paragraph(f"{r.hours}" if r.hours is not None else "", cell),
                Paragraph(r.wage_due_yuan, cell),
                Paragraph(f"{r.wage_received_at:%Y-%m-%d}" if r.wage_received_at else "未确认", cell),
                Paragraph(f"{r.stars}星" if r.stars else "—", cell),
            ]
        )
    data.append(
        [
            "",
            Paragraph("合计", cell),
            "",
            "",
            Paragraph(f"{total_hours}", cell),
            Paragraph(f"{total_fen / 100:.2f}", cell),
            "",
            "",
        ]
    )
    widths = [12 * mm, 36 * mm, 38 * mm, 30 * mm, 14 * mm, 18 * mm, 20 * mm]
    widths.append(doc.width - sum(widths))
    table = Table(data, colWidths=widths, repeatRows=1)
    table.setStyle(
        TableStyle(
            [
                ("GRID", (0, 0), (-1, -1), 0.4, colors.HexColor("#888888")),
                ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#eeeeee")),
                ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
            ]
        )
    )
    story = [header, Spacer(1, 6 * mm), table, Spacer(1, 6 * mm), Paragraph(f"核验地址：{verify_url}", small)]

    def footer(canvas: Canvas, document: BaseDocTemplate) -> None:
        canvas.saveState()
        canvas.setFont(font, 8)
        canvas.drawString(15 * mm, 10 * mm, "本记录由灵工平台出具，扫码核验真伪")
        canvas.drawRightString(A4[0] - 15 * mm, 10 * mm, f"第 {document.page} 页")
        canvas.restoreState()

    doc.build(story, onFirstPage=footer, onLaterPages=footer)
    return buffer.getvalue()
