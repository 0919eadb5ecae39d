"""The owner's report: one self-contained HTML page from a real (tiny) study store.

The store is a real EnergyPlus study (small office, 3 July days, 2 measures, a package, stacked
steps and the GB 50189-2015 reference building). Its ``uncertainty/percentiles.csv`` is written
by hand here (a sensitivity run would take minutes); the report only reads that file.

The page is rendered in headless Chromium (Debian's ``chromium``, which ``.ci/run`` installs): the
screenshot must not be blank. Without Chromium the test fails rather than skips.
"""

import base64
import io
import re
import shutil
import subprocess
import textwrap

import matplotlib.image as mpimg
import numpy as np
import pandas as pd
import pytest

from retrofit.cli import main
from retrofit.owner_report import LABELS, split_assumption
from retrofit.runner import run_study

STUDY = """
schema_version = 1
name = "tiny-report"
description = "small office, three July days"
reference = "gb50189-2015"
[baseline]
model = "small-office"
weather = "{weather}"
period = "07/15-07/17"
building_type = "office"
[[measures]]
id = "led"
measure = "led_lighting"
[[measures]]
id = "pv"
measure = "rooftop_pv"
[[packages]]
name = "led-pv"
measures = ["led", "pv"]
[economics]
discount_rate = 0.05
analysis_period_years = 20
[outputs]
stacked = true
"""

#: A hand-written percentiles table in the layout of retrofit/uncertainty/study.py.
PERCENTILES = pd.DataFrame(
    {
        "measure": ["led", "pv", "led", "pv"],
        "output": ["saving_tco2", "saving_tco2", "saving_rmb", "saving_rmb"],
        "p10": [0.8, 0.4, 1500.0, 800.0],
        "p50": [1.0, 0.5, 1800.0, 950.0],
        "p90": [1.3, 0.6, 2200.0, 1100.0],
        "mean": [1.02, 0.5, 1820.0, 950.0],
        "valid": [1.0, 1.0, 1.0, 1.0],
    }
)

#: Charts on the page of this store: end uses, months, MACC, uncertainty, reference rates.
EXPECTED_CHARTS = 5
#: PNG file signature.
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
#: Window of the screenshot [px].
WINDOW_PX = (1280, 2000)
#: A blank page has (near) zero pixel spread; text, tables and charts give far more.
MIN_PIXEL_STD = 0.05
#: Chromium's limit for one screenshot [s].
CHROMIUM_TIMEOUT_S = 120
#: Section titles that must be on the Chinese page.
SECTION_KEYS = (
    "title",
    "summary",
    "end_uses",
    "monthly",
    "measures",
    "macc",
    "packages",
    "uncertainty",
    "compliance",
    "assumptions",
)


@pytest.fixture(scope="module")
def pages(tmp_path_factory, site_epw):
    folder = tmp_path_factory.mktemp("owner-report")
    study = folder / "study.toml"
    study.write_text(textwrap.dedent(STUDY.format(weather=site_epw)))
    store = folder / "store"
    run_study(study, jobs=2, out_dir=store, progress=False)
    (store / "uncertainty").mkdir()
    PERCENTILES.to_csv(store / "uncertainty" / "percentiles.csv", index=False)
    out = {}
    for lang in ("zh", "en"):
        assert main(["report", str(store), "--lang", lang]) == 0
        out[lang] = store / f"report-{lang}.html"
    return out


def _images(text):
    return re.findall(r"<img\b[^>]*\bsrc=\"([^\"]*)\"", text)


@pytest.mark.energyplus
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_self_contained(pages, lang):
    text = pages[lang].read_text(encoding="utf-8")
    assert not re.search(r"\b(src|href)\s*=\s*[\"']?\s*(https?:)?//", text, flags=re.I)
    assert "<script" not in text.lower()
    assert "<link" not in text.lower()
    images = _images(text)
    assert len(images) == EXPECTED_CHARTS
    for src in images:
        assert src.startswith("data:image/png;base64,")
        raw = base64.b64decode(src.split(",", 1)[1], validate=True)
        assert raw.startswith(PNG_SIGNATURE)
        pixels = mpimg.imread(io.BytesIO(raw), format="png")
        assert pixels.shape[0] > 100 and pixels.shape[1] > 100
        assert pixels[..., :3].std() > MIN_PIXEL_STD


@pytest.mark.energyplus
def test_languages(pages):
    zh = pages["zh"].read_text(encoding="utf-8")
    en = pages["en"].read_text(encoding="utf-8")
    for key in SECTION_KEYS:
        assert LABELS[key]["zh"] in zh, key
        assert LABELS[key]["en"] in en, key
    assert LABELS["title"]["zh"] not in en
    assert 'lang="zh-CN"' in zh


@pytest.mark.energyplus
def test_content(pages):
    text = pages["en"].read_text(encoding="utf-8")
    store = pages["en"].parent
    results = pd.read_csv(store / "results.csv")
    for name in ("led", "pv", "led-pv", "gb50189-2015 reference", "+pv"):
        assert f">{name}<" in text, name
    for column in results.columns:
        if column.startswith("meets_"):
            assert column.removeprefix("meets_") in text
    floor_area = results.loc[results["variant"] == "b00", "floor_area_m2"].iloc[0]
    assert f"{floor_area:,.0f} m²" in text
    assert "unverified" in text  # the measures' assumptions carry the flag
    assert "P90" in text


@pytest.mark.energyplus
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_chromium_screenshot(pages, lang, tmp_path):
    chromium = shutil.which("chromium")
    if chromium is None:
        pytest.fail("chromium is not installed (.ci/run installs Debian's chromium package)")
    shot = tmp_path / "page.png"
    width, height = WINDOW_PX
    subprocess.run(
        [
            chromium,
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            f"--user-data-dir={tmp_path / 'profile'}",
            f"--screenshot={shot}",
            f"--window-size={width},{height}",
            pages[lang].resolve().as_uri(),
        ],
        check=True,
        capture_output=True,
        timeout=CHROMIUM_TIMEOUT_S,
    )
    pixels = mpimg.imread(shot)
    assert pixels.shape[:2] == (height, width)
    assert pixels[..., :3].std() > MIN_PIXEL_STD
    # Charts drew: the page holds the fuel colours of the end-use and monthly bars.
    blue = np.array([0x2A, 0x6F, 0x97]) / 255
    assert (np.abs(pixels[..., :3] - blue).max(axis=-1) < 0.02).sum() > 100


@pytest.mark.energyplus
def test_pdf_printed_by_chromium(pages, tmp_path):
    from retrofit.owner_report import print_pdf

    pdf = print_pdf(pages["en"], tmp_path / "report.pdf")
    head = pdf.read_bytes()[:5]
    assert head == b"%PDF-" and pdf.stat().st_size > 10_000


def test_split_assumption():
    value, source, unverified = split_assumption(
        "roof_insulation.density_kg_per_m3 = 35.0 kg/m3 (ASSUMPTION: XPS board) [unverified]"
    )
    assert value == "roof_insulation.density_kg_per_m3 = 35.0 kg/m3"
    assert source == "ASSUMPTION: XPS board"
    assert unverified
    value, source, unverified = split_assumption(
        "natural gas price 4.21 RMB/m3 (tariff 'x') is not verified: ASSUMPTION: a code file"
    )
    assert value == "natural gas price 4.21 RMB/m3 (tariff 'x')"
    assert source == "ASSUMPTION: a code file"
    assert unverified
    value, source, unverified = split_assumption("lifetime = 20 (ASHRAE Table 4)")
    assert (value, source, unverified) == ("lifetime = 20", "ASHRAE Table 4", False)
