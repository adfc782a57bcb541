"""A new company, in real Chromium: registration, autosave, a conditional question appearing, an evidence
upload, submission and the result page, in Indonesian and in English."""

from __future__ import annotations

import re

import pytest

pytestmark = pytest.mark.browser

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"

WORDS = {
    "id": {
        "name": "Nama lengkap",
        "password": "Kata sandi",
        "company": "Nama perusahaan",
        "ahu": "Nomor SK AHU",
        "address": "Alamat",
        "province": "Provinsi",
        "regency": "Kabupaten/kota",
        "sector": "Kategori KBLI",
        "size": "Skala usaha",
        "employees": "Jumlah pekerja",
        "register": "Daftar",
        "start": "Mulai",
        "policy": "Ada kebijakan HAM tertulis?",
        "published": "Kebijakan dipublikasikan?",
        "yes": "Ya",
        "no": "Tidak",
        "saved": "Tersimpan",
        "file": "Berkas",
        "upload": "Unggah",
        "workforce": "Tenaga kerja",
        "child": "Ada pekerja di bawah 18 tahun?",
        "hours": "Jam kerja per minggu?",
        "submit": "Kirim penilaian",
        "result": "Hasil penilaian",
        "green": "Hijau",
        "size_value": "Kecil",
    },
    "en": {
        "name": "Full name",
        "password": "Password",
        "company": "Company name",
        "ahu": "AHU decree number",
        "address": "Address",
        "province": "Province",
        "regency": "Regency/city",
        "sector": "KBLI category",
        "size": "Business size",
        "employees": "Number of employees",
        "register": "Register",
        "start": "Start",
        "policy": "Is there a written human-rights policy?",
        "published": "Is the policy published?",
        "yes": "Yes",
        "no": "No",
        "saved": "Saved",
        "file": "File",
        "upload": "Upload",
        "workforce": "Workforce",
        "child": "Any workers under 18?",
        "hours": "Working hours per week?",
        "submit": "Submit the assessment",
        "result": "Assessment result",
        "green": "Green",
        "size_value": "Small",
    },
}


@pytest.mark.parametrize("lang", ["id", "en"])
def test_a_new_company_goes_from_registration_to_its_result(page, lang, tmp_path):
    w = WORDS[lang]
    expect = _expect()
    page.goto("/register")
    if lang == "en":
        page.get_by_role("button", name="English").click()
        expect(page.locator("html")).to_have_attribute("lang", "en")

    page.get_by_label(w["name"]).fill("Siti Rahmawati")
    page.get_by_label("Email").fill(f"siti.{lang}@sumbermakmur.co.id")
    page.get_by_label(w["password"]).fill("kata-sandi-rahasia-1")
    page.get_by_label(w["company"]).fill("PT Sumber Makmur")
    page.get_by_label("NIB").fill("1234567890123" if lang == "id" else "1234567890124")
    page.get_by_label(w["ahu"]).fill("AHU-0012345.AH.01.01.TAHUN 2020")
    page.get_by_label(w["address"]).fill("Jl. Ki Mas Jong No. 5")
    page.get_by_label(w["province"]).select_option("36")
    page.get_by_label(w["regency"]).select_option("36.73")
    page.get_by_label(w["sector"]).select_option("C")
    page.get_by_label(w["size"]).select_option("kecil")
    page.get_by_label(w["employees"]).fill("40")
    page.get_by_role("button", name=w["register"], exact=True).click()
    page.wait_for_url(re.compile(r"/$"))

    page.get_by_role("button", name=w["start"]).click()
    policy = page.get_by_role("group", name=w["policy"])
    published = page.locator("#q-published")
    expect(published).to_be_hidden()

    # Autosave on change, with a visible saved state, and the conditional question appears.
    policy.get_by_role("radio", name=w["yes"], exact=True).check()
    expect(page.locator("#status-policy")).to_contain_text(w["saved"])
    expect(published).to_be_visible()
    page.get_by_role("group", name=w["published"]).get_by_role("radio", name=w["yes"], exact=True).check()
    expect(page.locator("#status-published")).to_contain_text(w["saved"])

    # Evidence upload.
    pdf = tmp_path / "kebijakan-ham.pdf"
    pdf.write_bytes(PDF)
    evidence = page.locator("#evidence-policy")
    evidence.get_by_label(w["file"]).set_input_files(str(pdf))
    evidence.get_by_role("button", name=w["upload"]).click()
    expect(page.locator("#evidence-policy").get_by_role("link", name="kebijakan-ham.pdf")).to_be_visible()

    # The next section, by the section navigation (an htmx fragment swap).
    page.get_by_role("navigation").get_by_role("link", name=w["workforce"]).click()
    page.get_by_role("group", name=w["child"]).get_by_role("radio", name=w["no"], exact=True).check()
    expect(page.locator("#status-child")).to_contain_text(w["saved"])
    hours = page.get_by_role("group", name=w["hours"]).get_by_role("textbox")
    hours.fill("40")
    hours.blur()
    expect(page.locator("#status-hours")).to_contain_text(w["saved"])

    submit = page.get_by_role("button", name=w["submit"])
    expect(submit).to_be_enabled()
    submit.click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(w["result"])
    expect(page.locator(".rating .badge")).to_have_text(w["green"])
    expect(page.locator("svg.chart")).to_be_visible()


def test_an_answer_typed_after_the_session_ended_is_sent_after_logging_in_again(
    page, expected_console_errors
):
    expect = _expect()
    expected_console_errors.append("status of 401 (Unauthorized)")
    page.goto("/register")
    page.get_by_label("Nama lengkap").fill("Budi")
    page.get_by_label("Email").fill("budi@sumbermakmur.co.id")
    page.get_by_label("Kata sandi").fill("kata-sandi-rahasia-1")
    page.get_by_label("Nama perusahaan").fill("PT Sumber Makmur")
    page.get_by_label("NIB").fill("1234567890125")
    page.get_by_label("Nomor SK AHU").fill("AHU-1")
    page.get_by_label("Alamat").fill("Jl. Ki Mas Jong No. 5")
    page.get_by_label("Kabupaten/kota").select_option("36.73")
    page.get_by_label("Kategori KBLI").select_option("C")
    page.get_by_label("Skala usaha").select_option("kecil")
    page.get_by_label("Jumlah pekerja").fill("40")
    page.get_by_role("button", name="Daftar", exact=True).click()
    page.get_by_role("button", name="Mulai").click()
    page.get_by_role("navigation").get_by_role("link", name="Tenaga kerja").click()
    expect(page.get_by_role("group", name="Jam kerja per minggu?")).to_be_visible()

    # The session ends elsewhere (logout in another tab); this tab still shows the form.
    page.context.clear_cookies(name="hamscore_session")
    hours = page.get_by_role("group", name="Jam kerja per minggu?").get_by_role("textbox")
    hours.fill("38")
    hours.blur()
    banner = page.locator("#session-banner")
    expect(banner).to_contain_text("Sesi Anda telah berakhir")
    expect(page.locator("#status-hours")).to_contain_text("Belum tersimpan")

    banner.get_by_role("link", name="Masuk kembali").click()
    page.get_by_label("Email").fill("budi@sumbermakmur.co.id")
    page.get_by_label("Kata sandi").fill("kata-sandi-rahasia-1")
    page.get_by_role("button", name="Masuk").click()
    # Back on the form, the kept value is restored and saved.
    expect(page.locator("#status-hours")).to_contain_text("Tersimpan")
    expect(page.get_by_role("group", name="Jam kerja per minggu?").get_by_role("textbox")).to_have_value("38")
    page.reload()
    expect(page.get_by_role("group", name="Jam kerja per minggu?").get_by_role("textbox")).to_have_value("38")


def _expect():
    from playwright.sync_api import expect

    return expect
