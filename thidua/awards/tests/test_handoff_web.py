"""The hand-off in the browser, CSRF enforced: the organiser's proposals page offers the approved
conference, the button makes the drafts (and nothing more when pressed again), the drafts show
their source, and an officer submits or withdraws them like any proposal."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.urls import reverse

from thidua.awards.models import Proposal, ProposalStatus

pytestmark = pytest.mark.django_db


def page_of(concluded: dict[str, Any]) -> str:
    return reverse("awards:proposals_unit_year", args=[concluded["tw"].pk, 2022])


def button_of(concluded: dict[str, Any]) -> str:
    return reverse("awards:proposals_from_conference", args=[concluded["conference"].pk])


def test_organiser_officer_makes_drafts_from_the_conference(concluded: dict[str, Any], make_user, csrf_client) -> None:
    officer = make_user("board", concluded["tw"])
    browser = csrf_client(officer, page=page_of(concluded))
    page = browser.get(page_of(concluded)).content.decode()
    assert "Tạo đề nghị khen thưởng từ hội nghị" in page and button_of(concluded) in page

    assert browser.post(button_of(concluded), csrf=False).status_code == 403
    assert not Proposal.objects.exists()

    done = browser.post(button_of(concluded), follow=True)
    assert done.redirect_chain[-1][0] == page_of(concluded)
    html = done.content.decode()
    assert "Đã tạo 2 dự thảo đề nghị khen thưởng từ hội nghị tổng kết Cụm thi đua thử" in html
    drafts = re.search(r'<section class="card" id="drafts">(.*?)</section>', html, re.S)
    assert drafts is not None
    section = drafts.group(1)
    assert "Ủy ban MTTQ tỉnh Lạng Sơn" in section and "Cờ thi đua của Chính phủ" in section
    assert "Ủy ban MTTQ tỉnh Điện Biên" in section
    assert "Từ hội nghị tổng kết Cụm thi đua thử ngày 02/12/2022" in section
    assert reverse("scoring:conference", args=[concluded["gy"].pk]) in section
    assert reverse("scoring:document", args=[concluded["gy"].pk, "minutes", "pdf"]) in section
    assert "01/BB-CTĐ" in section  # the minutes' number
    assert "Ủy ban MTTQ tỉnh Sơn La" not in section  # ranked, not nominated

    again = browser.post(button_of(concluded), follow=True).content.decode()
    assert "Đã tạo 0 dự thảo" in again
    assert "Ủy ban MTTQ tỉnh Lạng Sơn đã được tạo đề nghị Cờ thi đua của Chính phủ từ hội nghị này" in again
    assert Proposal.objects.count() == 2


def test_officer_submits_and_withdraws_drafts(concluded: dict[str, Any], make_user, csrf_client) -> None:
    officer = make_user("board", concluded["tw"])
    browser = csrf_client(officer, page=page_of(concluded))
    browser.post(button_of(concluded))
    ls = Proposal.objects.get(subject_unit=concluded["LS"])
    db = Proposal.objects.get(subject_unit=concluded["DB"])
    submit = reverse("awards:proposal_submit", args=[ls.pk])

    assert browser.post(submit, {"score": "88,5"}, csrf=False).status_code == 403
    bad = browser.post(submit, {"score": "tám mươi"}, follow=True).content.decode()
    assert "Điểm của Ủy ban MTTQ tỉnh Lạng Sơn không hợp lệ" in bad
    ls.refresh_from_db()
    assert ls.status == ProposalStatus.DRAFT

    page = browser.post(submit, {"score": "88,5"}, follow=True).content.decode()
    ls.refresh_from_db()
    assert (ls.status, str(ls.score)) == (ProposalStatus.PROPOSED, "88.50")
    assert "Đã gửi đề nghị Ủy ban MTTQ tỉnh Lạng Sơn" in page
    assert f'name="proposal" value="{ls.pk}"' in page  # now in the ranked list, to decide

    browser.post(reverse("awards:proposal_withdraw", args=[db.pk]), {"back_unit": concluded["tw"].pk})
    db.refresh_from_db()
    assert db.status == ProposalStatus.WITHDRAWN


def test_only_who_may_propose_for_the_organiser_sees_and_presses_the_button(
    concluded: dict[str, Any], make_user, csrf_client
) -> None:
    member_board = make_user("board", concluded["LS"])
    browser = csrf_client(member_board, page="/awards/proposals/")
    assert browser.post(button_of(concluded)).status_code == 403
    assert not Proposal.objects.exists()
    head = make_user("group_head", concluded["LS"])
    browser = csrf_client(head, page="/awards/proposals/")
    assert browser.post(button_of(concluded)).status_code == 403
    leader = make_user("leader", concluded["tw"])
    browser = csrf_client(leader, page=page_of(concluded))
    page = browser.get(page_of(concluded)).content.decode()
    assert "Tạo đề nghị khen thưởng từ hội nghị" not in page
    assert browser.post(button_of(concluded)).status_code == 403
    assert not Proposal.objects.exists()
