"""Disambiguation, districts, reasons and neutrality."""

from __future__ import annotations

from rescuewatch.geo import Gazetteer
from rescuewatch.model import Place


def test_homonym_by_admin1(gaz: Gazetteer) -> None:
    zaitseve = {e.geonameid: e.admin1 for e in gaz.lookup("Zaitseve")}
    assert len(zaitseve) >= 3
    [dnipro_one] = [
        r
        for r in gaz.geocode("Shelling hit Zaitseve in Dnipropetrovsk Oblast.")
        if r.place.precision == "city"
    ]
    assert dnipro_one.place.admin1 == "Dnipropetrovsk Oblast"
    assert "Dnipropetrovsk Oblast, named in the text" in dnipro_one.why
    [donetsk_one] = [
        r
        for r in gaz.geocode("Shelling hit Zaitseve, Donetsk region.")
        if r.place.precision == "city"
    ]
    assert donetsk_one.place.admin1 == "Donetsk Oblast"


def test_homonym_by_neighbour(gaz: Gazetteer) -> None:
    text = "Медики попали под обстрел в Новоселовке недалеко от Мариуполя."
    novo = next(r for r in gaz.geocode(text) if r.mention.text == "Новоселовке")
    assert novo.place.admin1 == "Donetsk Oblast"
    assert "km from Mariupol" in novo.why


def test_homonym_by_context_text(gaz: Gazetteer) -> None:
    mentions = gaz.find("A paramedic was wounded in Novoselivka.")
    alone = gaz.resolve(mentions)[0]
    assert alone.place.admin1 == "Odesa Oblast"  # the most populous without context
    assert "largest population" in alone.why
    framed = gaz.resolve(mentions, context_text="Poltava Oblast: rescuers report shelling.")[0]
    assert framed.place.admin1 == "Poltava Oblast"


def test_population_decides_without_context(gaz: Gazetteer) -> None:
    [r] = gaz.geocode("Взрывы в Донецке.")
    assert (r.place.name, r.place.country) == ("Donetsk", "UA")


def test_districts(gaz: Gazetteer) -> None:
    for text, district in [
        ("Shelling of the Kievsky district of Donetsk killed a paramedic.", "Kievsky district"),
        ("Shelling of the Kyivskyi district of Donetsk.", "Kyivskyi district"),
        ("Снаряд попал в Киевский район Донецка.", "Киевский район"),
        ("Обстріл Київського району Донецька.", "Київського району"),
        ("Donetsk's Kuibyshevskyi district was hit.", "Kuibyshevskyi district"),
    ]:
        [r] = gaz.geocode(text)
        assert r.place.name == "Donetsk", text
        assert r.place.precision == "district"
        assert r.mention.district == district
        assert district in r.place.text  # type: ignore[operator]


def test_place_is_the_model_type(gaz: Gazetteer) -> None:
    [r] = gaz.geocode("Ambulance hit in Kharkiv.")
    assert isinstance(r.place, Place)
    assert r.place == Place(
        text="Kharkiv",
        name="Kharkiv",
        country="UA",
        admin1="Kharkiv Oblast",
        lat=r.place.lat,
        lon=r.place.lon,
        geonameid=706483,
        precision="city",
    )
    assert 49 < r.place.lat < 51 and 35 < r.place.lon < 37  # type: ignore[operator]
    assert r.why


def test_mirror_image_for_both_sides(gaz: Gazetteer) -> None:
    """The same sentence about either side's medics resolves its places the same way."""
    a = gaz.geocode("Ukrainian medics were hit in Belgorod and Kharkiv.")
    b = gaz.geocode("Russian medics were hit in Kharkiv and Belgorod.")
    assert sorted(r.place.geonameid for r in a) == sorted(r.place.geonameid for r in b)  # type: ignore[type-var]
    ru = gaz.geocode("Республика Крым")[0].place
    uk = gaz.geocode("Автономна Республіка Крим")[0].place
    assert ru.geonameid == uk.geonameid


def test_no_candidates_yields_text_only() -> None:
    from rescuewatch.geo.resolve import resolve_mentions
    from rescuewatch.geo.types import PlaceMention

    [r] = resolve_mentions([PlaceMention(0, 5, "Xyzzy")])
    assert r.place == Place(text="Xyzzy") and r.entry is None
