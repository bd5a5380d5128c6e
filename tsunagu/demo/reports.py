"""The demo core center's annual report of the current fiscal year (issue 17 item 3): the
sections the center writes, so that the demo's report has text beside its counts.

The text follows the layout of seed 000 (はじめに, 共同支援, 人材育成, ネットワーク形成, 地域課題,
今後の取組み), about the fictional みどり市, and names nobody.  It is written through the
report's service as core1 (a writer of the center), so it has its audit row like any other.
Idempotent: once the center has a report for the year, nothing is written.
"""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from tsunagu.accounts.models import User
from tsunagu.core.actor import Origin
from tsunagu.core.dates import fiscal_year, fiscal_year_label
from tsunagu.organizations.actors import actor_for
from tsunagu.organizations.models import Organization
from tsunagu.reports.models import AnnualReport
from tsunagu.reports.services import annual_report_update

CENTER = "core-center"
WRITER = "core1"

SECTIONS = {
    "introduction": (
        "みどり市基幹相談支援センター（以下「基幹センター」）は、障害のある方が地域で安心して"
        "暮らせるよう、市の相談支援体制を強化する拠点として令和2年7月に開設した。\n\n"
        "従来の体制では対応が難しい支援困難ケースへの確実な介入と、支援の継続（支援者支援）を"
        "目的に、相談支援事業所等との「共同支援」、研修等の「人材育成」、市・区の自立支援協議会"
        "等への参加による「ネットワーク形成」に取り組んでいる。"
    ),
    "joint_support": (
        "共同支援の依頼は、委託相談支援事業所からのものが最も多く、重複障害のある方についての"
        "依頼が目立つ。既存のサービスを利用できない方、サービスを利用しても生活上の問題が解決"
        "しない方の支援が多い。\n\n"
        "事業所が困難さを感じる背景には、アセスメントが十分に行えず課題が設定されないため、"
        "プランニングにつながらないことがある。基幹センターは、同行訪問やケース会議への参加を"
        "通じて見立てとニーズの整理を支え、チーム形成の過程の不具合の修正を手伝っている。"
    ),
    "training": (
        "委託相談支援事業所の職員を対象に、アセスメントとプランニングをテーマとする研修を"
        "年間を通じて開いた。あわせて、事業所から持ち込まれた事例をもとに事例検討会を行い、"
        "支援の視点を参加者で共有した。\n\n"
        "経験の浅い職員が多い事業所では、組織の中で人材を育てる余力が乏しい。基幹センターは、"
        "事例検討会の進め方を事業所に伝え、事業所の中でも検討ができるよう支えていく。"
    ),
    "network": (
        "市の自立支援協議会と各区の障がい福祉ネットワーク会議に構成機関として参加し、青葉区の"
        "会議では事務局を務めた。会議では、個別の支援から見えた課題を持ち寄り、区ごとの"
        "取組みと市全体の課題を整理した。\n\n"
        "高齢・児童・ひきこもり支援の機関とも、ケース会議を重ねる中で顔の見える関係が"
        "広がっている。"
    ),
    "community_issues": (
        "個別の支援から、夜間に不安が強くなったときに相談できる場所がないこと、金銭管理の"
        "支援につながるまでに時間がかかることが、複数のケースに共通する課題として見えてきた。"
        "これらは区のネットワーク会議で共有し、市の協議会の部会で検討を続けている。"
    ),
    "future": (
        "相談支援事業所が支援困難ケースの支援にかけられる時間は、計画相談支援の業務の増大で"
        "圧迫されている。来年度は、事業所の実態を調べたうえで、共同支援の進め方を事業所と"
        "ともに見直す。\n\n"
        "また、研修と事例検討会を組み合わせ、事業所の中で人材を育てる仕組みづくりを支える。"
    ),
}


def seed_report() -> int | None:
    """Write the current year's sections; the fiscal year written, or None if there was one
    already (or the demo city has no center or writer)."""
    center = Organization.objects.filter(code=CENTER).first()
    writer = User.objects.filter(username=WRITER).first()
    if center is None or writer is None:
        return None
    year = fiscal_year(timezone.localdate())
    if AnnualReport.objects.filter(organization=center, fiscal_year=year).exists():
        return None
    actor = actor_for(writer, center, origin=Origin.command("seed_demo"))
    sections: dict[str, Any] = dict(SECTIONS)
    annual_report_update(actor, center=center, fiscal_year=year, **sections)
    return year


def seed_and_summarise() -> str:
    year = seed_report()
    if year is None:
        return "年次活動報告: 作成済みのため、新たに作成したものはありません。"
    return f"年次活動報告: 基幹センターの{fiscal_year_label(year)}の本文を書きました。"
