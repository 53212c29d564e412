"""Sentence-level cues matched as regular expressions: repeat strikes, aggregates, negatives.

These are phrases whose meaning lies in the word order ("when rescuers arrived", "с начала
года"), so they are matched on the lower-cased sentence rather than word by word.
"""

from __future__ import annotations

import re

_EN_MONTHS = "january|february|march|april|may|june|july|august|september|october|november|december"
_RU_MONTHS_GEN = "января|февраля|марта|апреля|мая|июня|июля|августа|сентября|октября|ноября|декабря"
_RU_MONTHS_DAT = "январю|февралю|марту|апрелю|маю|июню|июлю|августу|сентябрю|октябрю|ноябрю|декабрю"
_UK_MONTHS_GEN = "січня|лютого|березня|квітня|травня|червня|липня|серпня|вересня|жовтня|листопада|грудня"

_RESPONDERS_EN = (
    r"(?:(?:the )?(?:rescuers|firefighters|paramedics|medics|emergency workers|emergency crews|"
    r"crews?|civil defen[cs]e\w*|first responders|ambulances?|volunteers|white helmets|"
    r"rescue (?:teams?|workers|crews?)|fire (?:crews?|brigades?|fighters))|its crew|their crew|"
    r"the team)"
)

REPEAT = {
    "en": re.compile(
        r"double[- ]tap|triple[- ]tap|"
        r"\b(?:second|another|follow-up|repeat(?:ed)?) (?:strike|missile|drone|shell|airstrike|attack|"
        r"rocket|bomb|explosion|blast|round)\b|"
        r"(?:struck|hit|targeted|bombed|shelled) the same (?:site|spot|place|area|location|building)|"
        r"\ba second time\b|"
        rf"\bwhen {_RESPONDERS_EN}[^.;]{{0,40}}?\b(?:arrived|returned|reached|came)\b|"
        rf"\bas {_RESPONDERS_EN}[^.;]{{0,25}}?\b(?:were arriving|arrived|arriving|reached)\b|"
        r"\b(?:wounded|injured|hit|killed) in an? (?:earlier|previous|first|initial) "
        r"(?:strike|shelling|attack|airstrike)|"
        r"\b(?:hit|shelled|struck|bombed) (?:minutes|an hour|half an hour|\w+ minutes|\w+ hours) earlier|"
        # responders hit at the scene of an earlier strike
        r"\bthe (?:site|scene) of an? (?:earlier|previous|first|initial|prior) "
        r"(?:strike|attack|shelling|explosion|blast|impact)|"
        r"\b(?:dealing with|clearing up|responding to|working on) the aftermath of an? "
        r"(?:strike|attack|shelling|explosion|airstrike|missile|drone)"
    ),
    "ru": re.compile(
        r"повторн\w* (?:удар|атак|прил[её]т|обстрел|налет)|"
        r"(?:удари\w*|атакова\w*|обстреля\w*|прилете\w*|нанесл\w* удар) повторно|"
        r"(?:по|в|на) (?:той же|ту же|тому же|то же) (?:точк|мест|локаци|здани|объект)\w*|"
        r"повторно (?:удар\w*|атаков\w*|обстрел\w*|прилет\w*)|двойн\w* удар|"
        r"(?:по|в) (?:ту же|той же) точк|по тому же месту|"
        r"когда (?:к месту|на место)[^.]{0,60}?(?:прибыл|приехал|подъехал)|"
        r"когда [^.]{0,30}?(?:спасател|медик|пожарн|бригад|экипаж|фельдшер)\w* (?:прибыл|приехал|подъехал)|"
        # the verb before its subject: "когда туда приехали пожарные"
        r"когда [^.,]{0,20}?(?:прибыл|приехал|подъехал)\w* [^.,]{0,12}?(?:спасател|медик|пожарн|бригад|экипаж|фельдшер)|"
        r"после первого (?:удара|прил[её]та|взрыва)|при предыдущем (?:обстреле|ударе)|"
        r"ранен\w* при (?:предыдущем|первом)|"
        # responders hit at the scene of an earlier strike
        r"(?:на место|к месту|на месте) (?:предыдущего|первого|прежнего|недавнего) "
        r"(?:удара|прил[её]та|попадания|обстрела|взрыва|атаки)|"
        r"ликвидаци\w* последствий (?:удара|обстрела|атаки|прил[её]та|попадания)|"
        r"после предыдущего (?:удара|обстрела|прил[её]та|атаки|попадания)"
    ),
    "uk": re.compile(
        r"повторн\w* (?:удар|атак|обстріл|приліт|наліт)|"
        r"(?:вдари\w*|удари\w*|атакува\w*|обстріля\w*|прилеті\w*) повторно|"
        r"ще (?:одн\w* )?(?:ракет\w*|удар\w*|дрон\w*|снаряд\w*|бомб\w*)\b[^.]{0,30}(?:той сам|ту саму|тій самій|те саме|тому ж)|"
        r"(?:по|в|у|на) (?:тій самій|ту саму|тому ж|те саме) (?:точ|місц|локаці|будин|об.єкт)\w*|"
        r"повторно (?:вдар\w*|удар\w*|атаку\w*|обстрі\w*|прилеті\w*)|подвійн\w* удар|"
        r"(?:в|у|по) (?:ту саму|тій самій) точц?і?|в ту саму точку|по тому ж місцю|"
        r"коли (?:на місце|до місця)[^.]{0,60}?(?:прибул|приїхал|під.їхал)|"
        r"коли [^.]{0,30}?(?:рятувальник|медик|пожежн|бригад|екіпаж|фельдшер)\w* (?:прибул|приїхал|під.їхал)|"
        # the verb before its subject: "коли туди прибули рятувальники"
        r"коли [^.,]{0,20}?(?:прибул|приїхал|під.їхал)\w* [^.,]{0,12}?(?:рятувальник|медик|пожежн|бригад|екіпаж|фельдшер)|"
        r"після першого (?:удару|прильоту|вибуху)|під час попереднього (?:обстрілу|удару)|"
        r"поранен\w* (?:під час|внаслідок) попереднього|завдали повторного удару|"
        # responders hit at the scene of an earlier strike
        r"(?:на місце|до місця|на місці) (?:попереднього|першого|недавнього) "
        r"(?:удару|прильоту|влучання|обстрілу|вибуху|атаки)|"
        r"ліквідаці\w* наслідків (?:удару|обстрілу|атаки|прильоту|влучання)|"
        r"після попереднього (?:удару|обстрілу|прильоту|атаки|влучання)"
    ),
}

AGGREGATE = {
    "en": re.compile(
        rf"\bsince\b|\bso far\b|\bto date\b|\bin total\b|\ba total of\b|\bbringing (?:to|the)\b|"
        rf"\bthe number of\b|\bby the end of\b|\bby (?:{_EN_MONTHS}|(?:19|20)\d\d)\b|\bcumulative\b|"
        rf"\brunning total\b|\bthis year alone\b|\bover the past (?:year|\w+ years|\w+ months)\b"
    ),
    "ru": re.compile(
        rf"\bс начала\b|\bс (?:(?:19|20)\d\d|{_RU_MONTHS_GEN})\b|\bс \d{{1,2}} (?:{_RU_MONTHS_GEN})\b|"
        rf"\bк (?:{_RU_MONTHS_DAT}|концу)\b|\bв общей сложности\b|\bза (?:весь|время|период|годы)\b|"
        rf"\bс момента\b|\bс тех пор\b|\bс начала года\b"
    ),
    "uk": re.compile(
        rf"\bз початку\b|\bвід початку\b|\bз (?:(?:19|20)\d\d|{_UK_MONTHS_GEN})\b|"
        rf"\bз \d{{1,2}} (?:{_UK_MONTHS_GEN})\b|\bзагалом\b|\bза (?:весь|час|період|роки)\b|"
        rf"\bз моменту\b|\bвід (?:(?:19|20)\d\d|{_UK_MONTHS_GEN})\b|\bдо кінця\b"
    ),
}

NEGATIVE = {
    "en": re.compile(
        r"\b(?:training|course|exercise|drill|trainees?|graduat\w*|vaccinat\w*|immuni[sz]\w*|"
        r"conference|seminar|workshop|donat\w*|handed over|procure\w*|purchas\w*|"
        r"traffic (?:accident|collision)|road accident|collided|collision|crash(?:ed)?|"
        r"went on strike|labour strike|short circuit|condemn\w*|reaffirm\w*)\b"
    ),
    "ru": re.compile(
        r"(?<![\w])(?:учени[яйе]\w*|тренировк\w*|курсы?\b|курсов\b|обучени\w*|вакцин\w*|прививк\w*|"
        r"конференци\w*|семинар\w*|закупл\w*|закупк\w*|передан\w*|подарил\w*|дтп\b|столкнул\w*|"
        r"авари\w*|замыкани\w*|забастовк\w*|осудил\w*)"
    ),
    "uk": re.compile(
        r"(?<![\w])(?:навчання\w*|навчань\b|тренуван\w*|курси?\b|курсів\b|вакцин\w*|щеплен\w*|"
        r"конференці\w*|семінар\w*|закупил\w*|закуплено|закупівл\w*|передал\w*|подарува\w*|дтп\b|"
        r"зіткн\w*|аварі\w*|замиканн\w*|страйк\w*|засудил\w*)"
    ),
}

#: Phrases naming the *earlier* strike that responders came to ("the aftermath of shelling",
#: "ліквідація наслідків обстрілу"): a weapon word inside them is not the weapon that hit them.
EARLIER = {
    "en": re.compile(
        r"\bthe (?:site|scene) of an? (?:earlier|previous|first|initial|prior) \w+(?: \w+)?|"
        r"\bthe aftermath of an? \w+(?: \w+)?|\b(?:in|by) an? (?:earlier|previous|first|initial) \w+"
    ),
    "ru": re.compile(
        r"(?:предыдущ|перв|прежн|недавн)\w+ (?:удар|прил[её]т|попадани|обстрел|взрыв|атак)\w*"
        r"(?: \w+)?|ликвидаци\w* последствий \w+(?: \w+)?"
    ),
    "uk": re.compile(
        r"(?:попередн|перш|недавн)\w+ (?:удар|приліт|прильот|влучанн|обстріл|вибух|атак)\w*"
        r"(?: \w+)?|ліквідаці\w* наслідків \w+(?: \w+)?"
    ),
}

#: A strike that did not happen: the scenario of an exercise ("условный обстрел", "simulated
#: shelling"). Its weapon words name no weapon used.
SIMULATED = {
    "en": re.compile(r"\b(?:simulated|mock|staged|imaginary|notional)\s+(?:\w+\s+)?"
                     r"(?:strike|attack|shelling|explosion|blast|raid|bombing)"),
    "ru": re.compile(r"(?:условн|имитаци|учебн|вообража)\w*\s+(?:\w+\s+)?"
                     r"(?:обстрел|удар|атак|прил[её]т|взрыв|налет|попадани)"),
    "uk": re.compile(r"(?:умовн|імітаці|навчальн|уявн)\w*\s+(?:\w+\s+)?"
                     r"(?:обстріл|удар|атак|приліт|вибух|наліт|влучанн)"),
}

# Each side blaming the other: the text then alleges no one, whichever side it names first.
MUTUAL_BLAME = re.compile(
    r"(?:blamed|accused|blame|accuse|blaming|accusing) (?:each other|one another)|"
    r"(?:traded|trade|trading|exchanged) (?:blame|accusations)|each (?:side )?blamed the other|"
    r"(?:обвинили|обвиняют) друг друга|обменялись обвинениями|взаимн\w* обвинени|"
    r"(?:звинуватили|звинувачують) (?:одне одного|один одного|одна одну)|"
    r"обмінялися звинуваченнями|взаємн\w* звинувачен"
)
NEGATION = {"en": {"no", "not", "nobody", "none", "without", "never", "n't"},
            "ru": {"не", "ни", "нет", "без", "никто", "никого"},
            "uk": {"не", "ні", "немає", "без", "ніхто", "нікого"}}
#: Words that open a negated subject ("no patients were hurt", "none of the medics").
NEGATIVE_SUBJECT = {"en": {"no", "none", "neither", "nor"}, "ru": {"ни"},
                    "uk": {"жоден", "жодна", "жодного", "жодних", "ні"}}
#: Words allowed inside such a subject between the negation and the victim words.
SUBJECT_JOINERS = {"en": {"or", "and", "of", "the", "its", "their", "our", "his", "her", "any",
                          "other", "on", "board", "duty"},
                   "ru": {"и", "или", "из"}, "uk": {"і", "й", "та", "або", "з", "із"}}
#: Harm words that count every casualty, the dead too ("пострадали шесть медиков, двое из них
#: погибли": six); lemmas and surface forms.
CASUALTY = frozenset({"пострадать", "пострадали", "пострадал", "пострадала", "постраждати",
                      "постраждали", "постраждав", "постраждала", "affected", "casualties"})
#: Units of time: a number before one counts time, not people ("two days later").
TIME_UNITS = {
    "en": {"day", "days", "hour", "hours", "minute", "minutes", "week", "weeks", "month", "months",
           "year", "years", "night", "nights"},
    "ru": {"день", "дня", "дней", "сутки", "суток", "час", "часа", "часов", "минута", "минуты", "минут",
           "неделя", "недели", "недель", "месяц", "месяца", "месяцев", "год", "года", "лет"},
    "uk": {"день", "дні", "днів", "доба", "доби", "діб", "година", "години", "годин", "хвилина",
           "хвилини", "хвилин", "тиждень", "тижні", "тижнів", "місяць", "місяці", "місяців", "рік",
           "роки", "років"},
}
#: Words between a victim word and a count that point back to it ("three of them", "двое из них").
PARTITIVE = {"en": {("of", "them"), ("of", "whom"), ("of", "those")},
             "ru": {("из", "них"), ("среди", "них"), ("из", "которых")},
             "uk": {("з", "них"), ("із", "них"), ("серед", "них"), ("з", "яких"), ("із", "яких")}}
#: Words joining a count to an earlier one with the victim noun left out ("two ... killed and
#: three injured").
COORDINATOR = {"en": {"and", "while", "with", "but"}, "ru": {"и", "а", "еще", "ещё"},
               "uk": {"і", "й", "та", "а", "ще"}}
#: Words allowed between such a count and its harm ("three were injured", "троє — поранені").
AUXILIARY = {"en": {"were", "was", "have", "has", "had", "been", "are", "others", "more"},
             "ru": {"были", "был", "была", "человек"},
             "uk": {"були", "був", "була", "є", "особи", "осіб"}}
ORPHAN_MARK = {"en": {"other", "others", "another", "more", "further"},
               "ru": {"еще", "ещё", "другие", "других", "также"},
               "uk": {"ще", "інші", "інших", "також"}}
COLLECTIVE = {"staff", "personnel", "crew", "crews", "персонал", "бригада", "бригады", "бригаду",
              "экипаж", "екіпаж", "medical staff", "hospital staff"}
