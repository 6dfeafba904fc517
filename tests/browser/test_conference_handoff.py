"""Browser test of the hand-off (issue 10): the Central Committee's board officer opens the 2022
northern-border cluster conference, sees what it nominated, then makes the draft proposals from it
on the proposals page and finds them there with their source."""

from __future__ import annotations

from typing import Any

import pytest

pytestmark = [pytest.mark.browser]


@pytest.mark.django_db(transaction=True)
def test_board_officer_turns_the_conference_nominations_into_draft_proposals(
    live_server: Any, browser_page: Any
) -> None:
    from thidua.awards.models import Proposal, ProposalStatus
    from thidua.orgs.demo import DEMO_PASSWORD
    from thidua.orgs.demo import load as load_orgs
    from thidua.orgs.models import GroupYear
    from thidua.scoring.demo import load as load_scoring

    load_orgs()
    load_scoring()
    gy = GroupYear.objects.get(group__code="CUM-MNBG", year=2022)
    page = browser_page
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("#id_username", "banthidua.trunguong")
    page.fill("#id_password", DEMO_PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{live_server.url}/")

    # The conference: table approved, Lạng Sơn nominated for the Central Committee's flag.
    page.goto(f"{live_server.url}/scoring/gy/{gy.pk}/conference/")
    page.wait_for_selector("text=Đã thông qua lúc 02/12/2022")
    flag = page.locator("fieldset", has_text="Cờ thi đua của Ủy ban Trung ương MTTQ Việt Nam")
    assert flag.get_by_label("Ủy ban MTTQ Việt Nam tỉnh Lạng Sơn").is_checked()

    # The proposals page of the organiser (the Central Committee) for 2022.
    page.goto(f"{live_server.url}/awards/proposals/")
    page.fill("#id_unit", "MTTQ-TW")
    page.fill("#id_year", "2022")
    page.click("button:has-text('Xem')")
    page.wait_for_selector("#conferences")
    assert not page.locator("#drafts").count()
    page.click("button:has-text('Tạo đề nghị khen thưởng từ hội nghị')")
    page.wait_for_selector("text=Đã tạo 1 dự thảo đề nghị khen thưởng từ hội nghị tổng kết")

    drafts = page.locator("#drafts")
    row = drafts.locator("tr.draft", has_text="Ủy ban MTTQ Việt Nam tỉnh Lạng Sơn")
    assert "Cờ thi đua của Ủy ban Trung ương MTTQ Việt Nam" in row.inner_text()
    source = row.locator("td.source")
    assert "Từ hội nghị tổng kết Cụm thi đua Ủy ban MTTQ Việt Nam 7 tỉnh miền núi biên giới phía Bắc" in (
        source.inner_text()
    )
    assert "ngày 02/12/2022" in source.inner_text()
    assert source.get_by_role("link", name="Biên bản", exact=False).get_attribute("href") == (
        f"/scoring/gy/{gy.pk}/documents/minutes.pdf"
    )

    # The source leads back to the conference.
    source.get_by_role("link", name="Từ hội nghị tổng kết", exact=False).click()
    page.wait_for_url(f"{live_server.url}/scoring/gy/{gy.pk}/conference/")

    # Pressed again: nothing new, Lạng Sơn reported as already proposed.
    page.go_back()
    page.wait_for_selector("#drafts")
    page.click("button:has-text('Tạo đề nghị khen thưởng từ hội nghị')")
    page.wait_for_selector("text=Đã tạo 0 dự thảo")
    page.wait_for_selector("text=đã được tạo đề nghị Cờ thi đua của Ủy ban Trung ương MTTQ Việt Nam từ hội nghị này")
    (draft,) = Proposal.objects.all()
    assert draft.status == ProposalStatus.DRAFT and draft.unit.code == "MTTQ-TW" and draft.year == 2022
