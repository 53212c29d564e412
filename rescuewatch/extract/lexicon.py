"""Word lists per language: victims, organisations, harms, attacks, weapons, parties, cues.

Every entry is a phrase of one or more words, written in any case form; Russian and
Ukrainian phrases are lemmatised word by word with the same analyser as the text, so one
entry matches every case form. A word may give alternatives with ``|``.

Kinds of entry (the value of each mapping):

- ``victim:<category>``: a protected category named outright;
- ``victim:?medic`` (medic words), ``victim:?clinician`` (doctors, nurses), ``victim:?driver``,
  ``victim:?member`` (staff, volunteers, employees), ``victim:?deminer``: resolved from the
  organisation words and objects around them (see :mod:`rescuewatch.extract.rules`);
- ``org:<category>``: organisation or context words that say which category a ``?member`` is;
- ``person``: people who are not protected (civilians, residents): their numbers and harms
  never count;
- ``harm:killed``, ``harm:injured``, ``harm:damaged``;
- ``attack``: words that say a strike happened; ``weapon:<weapon>`` (also attacks);
- ``party:<code>:adj`` (needs a force word after it), ``party:<code>:actor`` (names a force by
  itself), ``party:<code>:country`` (a force word before it, or a blame phrase),
  ``party:<code>:epithet`` (one conflict's word for a force, "occupiers", "regime", "coalition":
  names the party only at a place in :data:`EPITHET_COUNTRIES`, elsewhere it names none);
- ``party:?ARMY:<role>`` and ``party:?NONSTATE:<role>``: a generic word for a state's army
  ("government forces", "junta") or for the armed groups fighting it ("rebels", "opposition
  forces", "paramilitary"), whose party depends on the country of the place
  (``pipeline.GENERIC_PARTIES``; elsewhere it names none). A country adjective of a civil war
  ("Sudanese", "Myanmar") names the country, not one side;
- ``party:-:group``: an armed group named with a country's word but not its forces ("Syrian
  Democratic Forces"): its words are kept, no party named;
- ``enemy`` ("the enemy": names no party), ``force`` (troops, army, drone, shelling...),
  ``blame`` ("attributed to", "со стороны");
- ``say`` (a reporting verb: "said", "сообщил", "повідомили") and ``per`` ("according to", "по
  данным"): a party named as the one who speaks is the source of a statement, not who struck.

The party lists are symmetric by design: each side's forces, its own and its opponents'
words for them. No rule looks at which party a word names.
"""

from __future__ import annotations

from functools import lru_cache

from rescuewatch.extract.tokens import lexicon_keys

#: Where each party's epithets name it: the countries of the conflict they come from.
EPITHET_COUNTRIES: dict[str, frozenset[str]] = {
    "RU": frozenset({"UA", "RU"}), "UA": frozenset({"UA", "RU"}),
    "SY-GOV": frozenset({"SY"}), "SY-OPP": frozenset({"SY"}), "SA-COAL": frozenset({"YE", "SA"}),
    "MM-PDF": frozenset({"MM"}),
}

Phrase = tuple[frozenset[str], ...]
Entry = tuple[Phrase, tuple[str, ...]]

_EN: dict[str, str] = {
    # victims named outright
    "paramedic|paramedics|medic|medics|emt|emts|first responder|first responders": "victim:?medic",
    "ambulance crew|ambulance crews|ambulance worker|ambulance workers|ambulance staff|"
    "ambulance driver|ambulance drivers|ambulance personnel|emergency medical technician|"
    "ambulance nurse|ambulance doctor|ems crew|ems worker|ems workers|rescue medic|field medic": "victim:medic",
    "doctor|doctors|nurse|nurses|surgeon|surgeons|midwife|midwives|physician|physicians": "victim:?clinician",
    "health worker|health workers|healthcare worker|healthcare workers|health care worker|"
    "health care workers|medical worker|medical workers|medical staff|hospital staff|health staff|"
    "medical personnel|health personnel|hospital worker|hospital workers|pharmacist|pharmacists|"
    "hospital employee|hospital employees|clinic staff|medical staffer|health staffer": "victim:health_worker",
    "hospital|hospitals|clinic|clinics|health centre|health center|health centres|medical centre|"
    "medical center|health facility|health facilities|medical facility|medical facilities|"
    "polyclinic|maternity ward|maternity hospital|perinatal centre|emergency medical station|"
    "ambulance station|ambulance substation|health post|field hospital|medical point|dispensary": "victim:health_facility",
    "ambulance|ambulances|ambulance vehicle|ambulance car": "victim:ambulance",
    "patient|patients|inpatient|inpatients": "victim:patient",
    "firefighter|firefighters|fireman|firemen|fire fighter|fire fighters|fire crew|fire crews": "victim:firefighter",
    "rescuer|rescuers|rescue worker|rescue workers|emergency worker|emergency workers|"
    "civil defence member|civil defense member|white helmets|search and rescue team|"
    "civil defence crew|civil defence crews|civil defence team|civil defence teams|"
    "civil defence volunteer|civil defence volunteers|civil defence worker|civil defence workers|"
    "civil defence personnel|civil defence members|civil defense crews|civil defense workers": "victim:rescuer",
    "aid worker|aid workers|humanitarian worker|humanitarian workers|relief worker|relief workers|"
    "humanitarian staff|aid staff": "victim:aid_worker",
    "driver|drivers": "victim:?driver",
    "staff|staffer|staffers|employee|employees|worker|workers|volunteer|volunteers|member|members|"
    "personnel|officer|officers|crew member|crew members|team member|team members|colleague|colleagues|"
    "contractor|contractors|guard|guards|security guard|security guards|staff member|"
    "staff members|facilitator|facilitators|truck driver|truck drivers": "victim:?member",
    "sapper|sappers|deminer|deminers|pyrotechnician|pyrotechnicians": "victim:?deminer",
    # organisation / context words
    "state emergency service|emergency service|emergency services|emergencies ministry|"
    "ministry of emergency situations|emercom|ses|dsns|civil defence|civil defense|rescue service|"
    "zaka|"
    "rescue group|rescue team|search and rescue|white helmet|rescue": "org:rescuer",
    "fire service|fire station|fire brigade|fire department|fire and rescue": "org:firefighter",
    "fire engine|fire engines|fire truck|fire trucks|fire tender": "vehicle",
    "emergency medical station|ambulance station|ambulance substation|"
    "red crescent|red cross|prcs|mda|magen david adom|islamic health committee|ems|"
    "united hatzalah|hatzalah|"
    "emergency medical service|emergency medical services|ambulance service|ambulance": "org:medic",
    "hospital|clinic|health centre|medical centre|ministry of health|health ministry": "org:health_worker",
    "un|united nations|unrwa|wfp|unicef|ngo|ingo|lngo|humanitarian|aid|relief|charity|"
    "emergency response room|emergency response rooms|mission|aid group|aid organisation|"
    "aid organization|msf|doctors without borders|convoy|agency": "org:aid_worker",
    # people who are not protected
    "civilian|civilians|resident|residents|people|person|persons|child|children|man|men|woman|women|"
    "passenger|passengers|pedestrian|pedestrians|soldier|soldiers|serviceman|servicemen|fighter|"
    "fighters|militant|militants|operative|operatives|journalist|journalists|villager|villagers|"
    "local|locals|inhabitant|inhabitants|family|families|boy|girl|teenager|elderly|pensioner|"
    "port worker|port workers|farmer|farmers|student|students|child patient": "person",
    # harms
    "killed|kill|killing|kills|dead|died|die|dies|death|deaths|lost their lives|"
    "lost his life|lost her life|slain": "harm:killed",
    "injured|injure|injuring|injures|injury|injuries|wounded|wound|wounding|wounds|hurt|"
    "lightly injured|seriously injured|shrapnel wounds|beaten|beat|beating|assaulted|stabbed|"
    "shot|shot at and hit|sustained injuries|gunshot wounds|gunshot injuries|bullet wound|"
    "tortured|burned|burns": "harm:injured",
    "shot dead|fatally shot|shot and killed|fatally wounded|fatally injured|executed|murdered|"
    "beaten to death|stabbed to death": "harm:killed",
    "damaged|damaging|damage|destroyed|destroying|burned|burnt|set on fire|gutted|shattered": "harm:damaged",
    # attacks
    "strike|strikes|struck|striking|hit|hits|hitting|attack|attacks|attacked|attacking|"
    "targeted|targeting|came under fire|come under fire|under fire|fire on|exploded|explosion|"
    "blast|landed|shelled|bombed|bombing|raid|ambush|ambushed|double-tap|double tap": "attack",
    # weapons
    "drone|drones|uav|uavs|fpv|fpv drone|shahed|shaheds|geran|quadcopter|loitering munition|"
    "kamikaze drone|drone strike|drone strikes|drone attack|"
    # each side's named weapons (only one side's were listed: Shahed, Iskander, glide bombs)
    "lancet|lancets|baba yaga|lyutyi|liutyi": "weapon:drone",
    "shelling|shell|shells|shelled|artillery|mortar|mortars|mortar fire|grad|grad rockets|mlrs|"
    "multiple rocket launcher|rocket|rockets|rocket fire|himars|tank shelling|tank fire|howitzer|"
    "barrage|smerch|uragan|artillery fire|cluster munition|cluster munitions|caesar|krab|bohdana|"
    "vampire|qassam rocket|qassam rockets": "weapon:artillery",
    "missile|missiles|ballistic missile|cruise missile|iskander|kalibr|missile strike|s-300|tochka|"
    "kinzhal|storm shadow|storm shadows|scalp|atacms|neptune": "weapon:missile",
    "airstrike|airstrikes|air strike|air strikes|air raid|aircraft|warplane|warplanes|fighter jet|"
    "fighter jets|jet|jets|helicopter|helicopters|barrel bomb|barrel bombs|glide bomb|glide bombs|"
    "aerial bomb|aerial bombs|aerial bombardment|air attack|guided bomb|guided bombs|"
    "guided aerial bomb|guided aerial bombs|glide-bomb|glide-bombs|antonov|antonovs": "weapon:airstrike",
    "opened fire|open fire|gunfire|gunmen|gunman|shot|shooting|shot dead|sniper|snipers|gunshot|"
    "small arms|small-arms|bullet|bullets|machine gun|fired on|fired at": "weapon:small_arms",
    "landmine|landmines|land mine|land mines|ied|ieds|explosive device|improvised explosive device|"
    "roadside bomb|anti-tank mine|anti-personnel mine|booby trap": "weapon:mine_ied",
    # parties (symmetric lists)
    "russian|russia|pro-russian|russian-backed": "party:RU:adj",
    "russian forces|russian troops|russian army|russian military|russian armed forces|"
    # each side's national guard
    "rosgvardia|russian national guard": "party:RU:actor",
    # each side's words for the other, as in the Russian and Ukrainian lists
    "occupiers|occupying forces|invaders|rashists|ruscists|orcs|kremlin regime|moscow regime|"
    "putin regime|putin's regime": "party:RU:epithet",
    # the "pro-"/"-backed" forms Russia's line has, for its mirror
    "ukrainian|ukraine|pro-ukrainian|ukrainian-backed": "party:UA:adj",
    "ukrainian forces|ukrainian troops|ukrainian army|ukrainian military|ukrainian armed forces|"
    "afu|apu|national guard of ukraine|ukrainian national guard": "party:UA:actor",
    "kyiv regime|kiev regime|neo-nazis|nationalists|ukronazis|banderites|kyiv junta|"
    "kiev junta": "party:UA:epithet",
    "israeli|israel": "party:IL:adj",
    "idf|israel defense forces|israeli forces|israeli army|israeli military": "party:IL:actor",
    "turkish|turkey|türkiye": "party:TR:adj",
    "palestinian|palestine": "party:PS:adj",
    # "=": not the plural key "hama", which is a city in Syria
    "=hamas|qassam brigades|al-qassam brigades|al-qassam": "party:PS-HAMAS:actor",
    "islamic jihad|palestinian islamic jihad|al-quds brigades": "party:PS-PIJ:actor",
    "hezbollah|hizbollah|hizbullah": "party:LB-HEZBOLLAH:actor",
    "houthi|houthis|ansar allah|ansarallah|houthi militia": "party:YE-HOUTHI:actor",
    "saudi-led coalition|saudi coalition|us-saudi coalition|us-saudi aggression coalition": "party:SA-COAL:actor",
    "arab coalition|coalition": "party:SA-COAL:epithet",
    "saudi|saudi-led|us-saudi": "party:SA-COAL:adj",
    "syrian government|syrian regime|assad regime|syrian army": "party:SY-GOV:actor",
    # the opposition's named forms, as the government's above (it had only epithets and
    # generic words: "сирийская оппозиция" named no one where "сирийская армия" did)
    "syrian opposition|syrian armed opposition|syrian rebels": "party:SY-OPP:actor",
    # the opposition's armies, whose names end in the government's ("syrian army")
    "free syrian army|syrian national army": "party:SY-OPP:actor",
    "syrian arab army": "party:SY-GOV:actor",
    "regime": "party:SY-GOV:epithet",
    "terrorist groups|armed terrorist groups|terrorist organisations|terrorist organizations|"
    "terrorists": "party:SY-OPP:epithet",
    "hts|hayat tahrir al-sham|hay'at tahrir al-sham": "party:SY-HTS:actor",
    "rsf|rapid support forces|rapid support force": "party:SD-RSF:actor",
    "saf|sudanese armed forces|sudanese army": "party:SD-SAF:actor",
    "sudanese": "party:SD:adj",
    "syrian|syria": "party:SY:adj",
    # groups named with a country's word, which are not that country's forces
    "syrian democratic forces|sdf|sudan liberation army|sudanese liberation army|"
    "sudan liberation movement|sudan people's liberation army|"
    "sudan people's liberation movement-north|splm-n": "party:-:group",
    "pdf|people's defence force|people's defence forces|people's defense force|"
    "people's defense forces": "party:MM-PDF:actor",
    # Generic words, like "the military" (?ARMY): they name the PDF only in Myanmar.
    "resistance forces|resistance fighters": "party:MM-PDF:epithet",
    "tatmadaw|myanmar military|myanmar army": "party:MM-MIL:actor",
    "myanmar": "party:MM:adj",
    # Ethiopia's war, both sides named (it had neither): the federal army, Tigray's forces,
    # the Amhara Fano; Eritrea's army is a state's forces
    "endf|ethiopian national defense force|ethiopian national defence force|ethiopian army|"
    "ethiopian military|ethiopian federal forces": "party:ET-ENDF:actor",
    "tplf|tigray people's liberation front|tdf|tigray defense forces|tigray defence forces|"
    "tigrayan forces|tigray forces": "party:ET-TPLF:actor",
    "tigrayan": "party:ET-TPLF:adj",
    "fano|fano militia|fano militias|amhara fano": "party:ET-FANO:actor",
    "ethiopian|ethiopia": "party:ET:adj",
    "eritrean|eritrea": "party:ER:adj",
    "military|army|armed forces|government artillery|government aircraft|government warplanes|"
    "government jets|government troops|government forces|pro-government forces|junta|"
    "military junta": "party:?ARMY:actor",
    "rebel|rebels|insurgents|paramilitaries|opposition forces|armed opposition|opposition fighters|"
    "rebel forces|rebel fighters|opposition factions|armed opposition groups": "party:?NONSTATE:actor",
    "opposition|paramilitary|insurgent": "party:?NONSTATE:adj",
    "enemy|the enemy|hostile": "enemy",
    "forces|force|troops|army|military|armed forces|positions|militia|militias|units|formations|"
    "fighters|soldiers|militants|militant|factions|faction|artillery|shelling|shell|shells|drone|"
    "drones|missile|missiles|strike|"
    "airstrike|air strike|aircraft|warplanes|rocket|rockets|fire|attack|barrage|gunmen|jets|"
    "helicopter|helicopters|tank|tanks|mortar|mortars|uav|uavs|bombardment|aviation|air force|"
    "navy|shahed|grad|mlrs|artillery fire|drone strike|missile strike": "force",
    "attributed the attack to|attributed the strike to|attributed the shelling to|attributed it to|"
    "attributed to|blamed|blaming|blames|blame|blamed the attack on|accused|accusing|by|"
    "claimed|claimed responsibility|carried out by|fired by|launched by": "blame",
    "said|says|told|reported|stated|announced|accused|accuses|alleged|alleges|denied|denies|"
    "confirmed|claimed that|blamed|blames": "say",
    "according to|as reported by|citing": "per",
}

_RU: dict[str, str] = {
    "медик|медики|медиков": "victim:?medic",
    "фельдшер|фельдшера|фельдшерица|парамедик|санитар|санинструктор|бригада скорой помощи|"
    "бригада скорой|бригада скорой медицинской помощи|бригада экстренной медицинской помощи|"
    "сотрудник скорой помощи|сотрудник скорой|работник скорой помощи|врач скорой помощи|врач скорой|"
    "врач бригады|медсестра бригады|фельдшер скорой помощи|водитель скорой помощи|водитель скорой|"
    "медики бригады|медиков бригады|экипаж скорой|медицинская бригада|эвакуационная бригада": "victim:medic",
    "врач|врачи|медсестра|медсестры|медбрат|хирург|акушерка|санитарка": "victim:?clinician",
    "медработник|медработники|медицинский работник|медицинских работников|медперсонал|"
    "медицинский персонал|сотрудник больницы|сотрудники больницы|персонал больницы|работник больницы|"
    "сотрудник поликлиники|работник здравоохранения|медицинский сотрудник|сотрудник медучреждения": "victim:health_worker",
    "больница|больницу|больницы|поликлиника|клиника|госпиталь|медучреждение|медицинское учреждение|"
    "медицинских учреждений|амбулатория|фап|фельдшерско-акушерский пункт|роддом|родильный дом|"
    "перинатальный центр|подстанция скорой помощи|подстанция скорой|станция скорой помощи|"
    "станция скорой|подстанция|медицинский центр|диспансер|больничный|травмпункт|"
    "центр экстренной медицинской помощи": "victim:health_facility",
    "машина скорой помощи|машина скорой|машину скорой|автомобиль скорой помощи|автомобиль скорой|"
    "автомобиль скорой медицинской помощи|карета скорой помощи|=скорая|=скорую|реанимобиль|"
    "санитарный автомобиль|санитарная машина|машина экстренной помощи": "victim:ambulance",
    "пациент|пациенты|пациентов|больной|больные|роженица|роженицы|раненый находившийся": "victim:patient",
    "пожарный|пожарные|пожарных|огнеборец|огнеборцы|пожарный расчет": "victim:firefighter",
    "спасатель|спасатели|спасателей|спасательница|спасательницы|сапер мчс|пиротехник мчс|сотрудник мчс|сотрудники мчс|"
    "сотрудников мчс|работник мчс|сотрудник гсчс|сотрудники гсчс|сотрудник дснс": "victim:rescuer",
    "гуманитарный работник|гуманитарные работники|сотрудник гуманитарной миссии|"
    "сотрудник гуманитарной организации": "victim:aid_worker",
    "водитель|водителя|водители": "victim:?driver",
    "сотрудник|сотрудники|сотрудников|работник|работники|волонтер|волонтеры|волонтеров|доброволец|"
    "добровольцы|член|члены|персонал|служащий": "victim:?member",
    "сапер|саперы|пиротехник|пиротехники|взрывотехник": "victim:?deminer",
    "мчс|гсчс|дснс|гснс|служба спасения|спасательная служба|спасательный отряд|спасательная служба|"
    "мчс россии|мчс днр|гражданская оборона|поисково-спасательный": "org:rescuer",
    "пожарная часть|пожарная охрана|пожарно-спасательная часть|пожарное депо": "org:firefighter",
    "пожарная машина|пожарная автоцистерна|пожарный автомобиль|пожарная техника|пожарный расчет|"
    "автоцистерна|пожарный гидрант": "vehicle",
    # each side's national society: the Red Crescent's and Magen David Adom's staff alike
    "скорая помощь|скорой помощи|скорой|красный крест|красный полумесяц|экстренная медицинская помощь|"
    "маген давид адом|мада|"
    "подстанция скорой помощи|подстанция скорой|станция скорой помощи|станция скорой": "org:medic",
    "больница|больницы|поликлиника|госпиталь|минздрав|медучреждение": "org:health_worker",
    "гуманитарный|гуманитарная помощь|гуманитарную помощь|оон|миссия|волонтерский|благотворительный|"
    "фонд|нко|нпо|гуманитарная миссия|гуманитарный груз": "org:aid_worker",
    "житель|жители|жителей|мирный житель|мирные жители|мирных жителей|мирный|человек|люди|людей|"
    "ребенок|дети|детей|мужчина|мужчину|женщина|пассажир|пешеход|военнослужащий|военный|боец|"
    "журналист|гражданин|граждан|пенсионер|пенсионерка|местный житель|подросток|семья|"
    "мирное население|рабочий|рабочие": "person",
    "погиб|погибли|погибнуть|погибший|гибель|убить|убит|убиты|скончаться|смертельно|"
    "погибших": "harm:killed",
    "ранить|ранен|ранены|ранена|ранение|ранения|раненый|пострадать|пострадал|пострадали|"
    "пострадала|пострадавший|травмировать|травмирован|травмированы|травма|травмы|контузия|"
    "контузить|получить ранение|осколочные ранения|осколочное ранение": "harm:injured",
    "повредить|поврежден|повреждена|повреждено|повреждены|повреждение|разрушить|разрушен|"
    "уничтожить|уничтожен|уничтожена|сгореть|сгорела|выбить|загореться|возгорание": "harm:damaged",
    "прилёт|удар|ударить|ударили|атака|атаковать|атаковал|атаковали|обстрел|обстрелять|обстреливать|"
    "прилет|прилететь|прилетело|попасть|попала|попал|разорваться|разорвался|взрыв|взорваться|"
    "поразить|сбросить|сброс|нанести удар|налет|подрыв|подорваться|обстреляли|двойной удар|"
    "под огнем|под обстрелом|открыть огонь|упасть|упал|упала|обломки": "attack",
    "дрон|дроны|беспилотник|беспилотники|бпла|fpv|fpv-дрон|дрон-камикадзе|герань|шахед|ланцет|"
    "квадрокоптер|коптер|сброс с дрона|ударный беспилотник|баба-яга|баба яга": "weapon:drone",
    "обстрел|артобстрел|артиллерия|артиллерийский|снаряд|миномет|минометный|мина|мины|рсзо|град|"
    "himars|хаймарс|реактивная система залпового огня|реактивный снаряд|гаубица|танк|кассетный|"
    "обстрелять|обстреливать|артиллерийский обстрел|минометный обстрел|залп|ураган|смерч": "weapon:artillery",
    "ракета|ракеты|ракетный|ракетный удар|искандер|баллистическая ракета|крылатая ракета|"
    "точка-у|с-300|калибр|кинжал|сторм шэдоу|сторм шедоу|storm shadow|скальп|scalp|атакамс|atacms|"
    "нептун": "weapon:missile",
    # "попасть под обстрел": the preposition phrase still names shelling
    "под обстрел|под обстрелом|под артобстрел|под артобстрелом": "weapon:artillery",
    "авиаудар|авиабомба|авиабомбы|каб|фаб|управляемая авиабомба|авиация|самолет|вертолет|"
    "авианалет|штурмовик|бомбардировщик": "weapon:airstrike",
    "стрелковое оружие|открыть огонь|открыли огонь|снайпер|автомат|обстрел из стрелкового оружия|"
    "расстрелять|расстреляли|застрелить": "weapon:small_arms",
    "взрывное устройство|самодельное взрывное устройство|сву|фугас|противотанковая мина|"
    "противопехотная мина|подорваться на мине|растяжка": "weapon:mine_ied",
    # each capital's adjective names its side, as "киевский" does ("московские войска")
    "российский|российская|российские|россия|рф|русский|московский|пророссийский": "party:RU:adj",
    # each side's national guard too ("нацгвардия Украины" named UA, "Росгвардия" no one)
    "вс рф|зс рф|вооруженные силы россии|российская армия|российские войска|российские военные|"
    "росгвардия|росгвардеец|росгвардейцы": "party:RU:actor",
    # each side's pejoratives for the other (listed to see whom a text accuses, both sides')
    "оккупант|оккупанты|оккупантов|рашист|рашисты|захватчик|захватчики|орк|орки|кремлевский режим|"
    "московский режим|путинский режим|москаль|москали": "party:RU:epithet",
    "россияне": "party:RU:actor",
    "украинцы": "party:UA:actor",
    "палестинский|палестинская|палестинские|палестина|пропалестинский": "party:PS:adj",
    # each side's people, as "россияне" and "украинцы" above
    "израильтяне": "party:IL:actor",
    "палестинцы": "party:PS:actor",
    "террористы|террористические группировки|вооруженные террористические группировки": "party:SY-OPP:epithet",
    # "про-" names the side it supports, as "pro-" does in English
    "украинский|украинская|украинские|украина|киевский|проукраинский": "party:UA:adj",
    "всу|вфу|зсу|вс украины|вооруженные силы украины|украинские военные|украинские войска|боевик всу|"
    "боевики всу|нацгвардия украины|национальная гвардия украины": "party:UA:actor",
    "киевский режим|киевская хунта|неонацист|неонацисты|нацисты|националисты|укронацисты|каратели|бандеровцы|"
    # "=": the plural forms only, not "укроп" (dill)
    "=укропы|=укропов|=укропам|=укропами|укры|всушник|всушники": "party:UA:epithet",
    "израильский|израиль|произраильский": "party:IL:adj",
    "цахал|армия обороны израиля": "party:IL:actor",
    "хамас|бригады аль-кассам|аль-кассам|хамасовец|хамасовцы": "party:PS-HAMAS:actor",
    # the parties the English list names, named in Russian too
    "исламский джихад|палестинский исламский джихад|бригады аль-кудс": "party:PS-PIJ:actor",
    "турецкий|турецкая|турецкие|турция": "party:TR:adj",
    "хезболла|хизбалла": "party:LB-HEZBOLLAH:actor",
    # other wars, both sides of each (as in the English list)
    "сирийская армия|сирийские военные|сирийский режим|режим асада|правительственные войска сирии": "party:SY-GOV:actor",
    "сирийская оппозиция|сирийская вооруженная оппозиция|сирийские повстанцы|"
    "свободная сирийская армия|сирийская национальная армия": "party:SY-OPP:actor",
    "сирийская арабская армия": "party:SY-GOV:actor",
    "хайят тахрир аш-шам|хаят тахрир аш-шам|тахрир аш-шам|хтш": "party:SY-HTS:actor",
    # each side by every name the press gives it: "быстрой поддержки" and "РСФ" too, and the
    # army as "Суданские вооружённые силы" (it was the country, SD, where "SAF" is SD-SAF)
    "силы быстрого реагирования|силы быстрой поддержки|сбр|сбп|рсф|rsf": "party:SD-RSF:actor",
    "суданская армия|армия судана|вооруженные силы судана|вс судана|"
    "суданские вооруженные силы": "party:SD-SAF:actor",
    "суданский": "party:SD:adj",
    "сирийский|сирия": "party:SY:adj",
    # groups named with a country's word, which are not that country's forces
    "сирийские демократические силы|сдс|армия освобождения судана|"
    "движение за освобождение судана": "party:-:group",
    "армия мьянмы|военные мьянмы|татмадо|татмадау": "party:MM-MIL:actor",
    "силы народной обороны": "party:MM-PDF:actor",
    # as English "resistance forces": names the PDF only in Myanmar
    "силы сопротивления|бойцы сопротивления": "party:MM-PDF:epithet",
    "мьянманский": "party:MM:adj",
    "эфиопская армия|силы обороны эфиопии|национальные силы обороны эфиопии": "party:ET-ENDF:actor",
    "нфот|народный фронт освобождения тыграй|народный фронт освобождения тыграя|силы тыграя|"
    "тыграйские силы|тиграйские силы|силы тиграя": "party:ET-TPLF:actor",
    "фано": "party:ET-FANO:actor",
    "эфиопский": "party:ET:adj",
    "эритрейский": "party:ER:adj",
    "хуситы|хусит|ансар аллах|ансаралла": "party:YE-HOUTHI:actor",
    # both sides' adjectives, as English "Saudi" and "Houthi"
    "хуситский": "party:YE-HOUTHI:adj",
    "саудовский": "party:SA-COAL:adj",
    "саудовская коалиция|арабская коалиция|коалиция во главе с саудовской аравией": "party:SA-COAL:actor",
    "правительственные войска|правительственные силы|хунта|военная хунта": "party:?ARMY:actor",
    "правительственный|проправительственный": "party:?ARMY:adj",
    "повстанцы|мятежники|вооруженная оппозиция": "party:?NONSTATE:actor",
    "противник|враг|вражеский|неприятель|неприятельский": "enemy",
    "войска|армия|военные|формирования|вооруженные формирования|силы|вооруженные силы|артиллерия|"
    "обстрел|снаряд|ракета|дрон|беспилотник|бпла|удар|авиация|самолет|военный|подразделение|"
    "подразделения|боевики|позиции|солдаты|военнослужащие|fpv-дрон|танк|миномет|рсзо|"
    "артиллерист|артиллеристы|каб|авиабомба": "force",
    "со стороны|по вине|обвинить|обвинили|возложить ответственность|приписать": "blame",
    "сообщил|сообщила|сообщило|сообщили|заявил|заявила|заявило|заявили|сказал|рассказал|утверждает|"
    "утверждают|отрицает|отрицают|подтвердил|подтвердили|обвинил|обвинили|обвиняет|обвиняют": "say",
    "по данным|по словам|по информации|согласно|как сообщили в|как сообщает": "per",
}

_UK: dict[str, str] = {
    "медик|медики|медиків": "victim:?medic",
    "фельдшер|фельдшерка|парамедик|санітар|санінструктор|бригада швидкої допомоги|бригада швидкої|"
    "бригада екстреної медичної допомоги|бригада екстреної допомоги|працівник швидкої|"
    "працівник швидкої допомоги|лікар швидкої|лікар бригади|медсестра бригади|фельдшер швидкої|"
    "водій швидкої|водій швидкої допомоги|медики бригади|медиків бригади|екіпаж швидкої|"
    "медична бригада|евакуаційна бригада|медиків швидкої": "victim:medic",
    # "=лікарів": pymorphy3 reads this genitive plural as the possessive adjective "doctor's"
    "лікар|лікарі|=лікарів|лікарка|медсестра|медсестри|медбрат|хірург|акушерка|санітарка": "victim:?clinician",
    "медпрацівник|медпрацівники|медичний працівник|медичних працівників|медперсонал|"
    "медичний персонал|працівник лікарні|працівники лікарні|співробітник лікарні|персонал лікарні|"
    "працівник охорони здоров'я|медична працівниця": "victim:health_worker",
    "лікарня|лікарню|лікарні|поліклініка|клініка|шпиталь|госпіталь|медзаклад|медичний заклад|"
    "медичних закладів|амбулаторія|фап|пологовий будинок|пологовий|перинатальний центр|"
    "підстанція швидкої допомоги|підстанція швидкої|станція швидкої допомоги|станція швидкої|"
    "підстанція|медичний центр|диспансер|травмпункт|"
    "центр екстреної медичної допомоги": "victim:health_facility",
    "машина швидкої допомоги|машина швидкої|машину швидкої|автомобіль швидкої допомоги|"
    "автомобіль швидкої|автомобіль екстреної медичної допомоги|карета швидкої|=швидка|=швидку|"
    "реанімобіль|санітарний автомобіль|санітарна машина|автомобіль екстреної допомоги": "victim:ambulance",
    "пацієнт|пацієнти|пацієнтів|хворий|хворі|породілля|породіллі": "victim:patient",
    "пожежник|пожежники|пожежний|пожежні|пожежних|вогнеборець|вогнеборці|вогнеборців": "victim:firefighter",
    "рятувальник|рятувальники|рятувальників|рятувальниця|рятувальниці|рятувальницю|сапер дснс|піротехнік дснс|співробітник дснс|"
    "працівник дснс|працівники дснс|співробітники дснс|співробітник мнс|працівник мнс|"
    "надзвичайник|надзвичайники": "victim:rescuer",
    "гуманітарний працівник|гуманітарні працівники|співробітник гуманітарної місії|"
    "працівник гуманітарної організації": "victim:aid_worker",
    "водій|водія|водії": "victim:?driver",
    "співробітник|співробітники|співробітників|працівник|працівники|працівників|волонтер|волонтери|"
    "волонтерів|доброволець|добровольці|член|члени|персонал|службовець": "victim:?member",
    "сапер|сапери|піротехнік|піротехніки|вибухотехнік": "victim:?deminer",
    "дснс|мнс|гснс|служба порятунку|рятувальна служба|рятувальний загін|цивільний захист|цивільна оборона|"
    "пошуково-рятувальний|державна служба з надзвичайних ситуацій": "org:rescuer",
    "пожежна частина|пожежна охорона|пожежно-рятувальна частина|пожежне депо": "org:firefighter",
    "пожежна машина|пожежна автоцистерна|пожежний автомобіль|пожежна техніка|автоцистерна|"
    "пожежний гідрант": "vehicle",
    # each side's national society: the Red Crescent's and Magen David Adom's staff alike
    "швидка допомога|швидкої допомоги|швидкої|червоний хрест|червоний півмісяць|"
    "маген давид адом|мада|"
    "екстрена медична допомога|підстанція швидкої допомоги|підстанція швидкої|"
    "станція швидкої допомоги|станція швидкої|підстанція екстреної допомоги": "org:medic",
    "лікарня|лікарні|поліклініка|госпіталь|моз|медзаклад": "org:health_worker",
    "гуманітарний|гуманітарна допомога|гуманітарну допомогу|оон|місія|волонтерський|благодійний|"
    "фонд|гуманітарна місія|гуманітарний вантаж": "org:aid_worker",
    "мешканець|мешканці|мешканців|житель|жителі|жителів|цивільний|цивільні|цивільних|людина|люди|"
    "людей|осіб|особа|дитина|діти|дітей|чоловік|чоловіка|жінка|пасажир|пішохід|військовий|"
    "військовослужбовець|боєць|журналіст|громадянин|пенсіонер|пенсіонерка|підліток|родина|"
    "мирне населення|робітник|робітники": "person",
    "загинути|загинув|загинули|загинула|загиблий|загибель|вбити|убити|вбито|убито|загиблих|"
    "смертельно|померти|помер": "harm:killed",
    "поранити|поранено|поранений|поранені|поранена|поранення|постраждати|постраждав|постраждали|"
    "постраждала|постраждалий|травмувати|травмований|травмовані|травма|контузія|"
    "отримати поранення|зазнати поранень|осколкові поранення": "harm:injured",
    "пошкодити|пошкоджено|пошкоджена|пошкоджений|пошкоджені|пошкодження|зруйнувати|зруйновано|"
    "знищити|знищено|знищена|згоріти|згоріла|вибити|загорітися|займання": "harm:damaged",
    "прильот|прильоту|удар|вдарити|ударити|вдарили|атака|атакувати|атакував|атакували|обстріл|обстріляти|"
    "обстрілювати|приліт|прилетіти|прилетіло|влучити|влучання|влучила|вибух|вибухнути|уразити|"
    "уразив|поцілити|скинути|скид|завдати удару|наліт|підрив|підірватися|обстріляли|подвійний удар|"
    "під вогнем|під обстрілом|відкрити вогонь|впасти|впав|впала|уламки": "attack",
    "дрон|дрони|безпілотник|безпілотники|бпла|fpv|fpv-дрон|дрон-камікадзе|шахед|герань|ланцет|"
    "квадрокоптер|коптер|скид з дрона|ударний безпілотник|баба-яга|баба яга": "weapon:drone",
    "обстріл|артобстріл|артилерія|артилерійський|снаряд|міномет|мінометний|міна|міни|рсзв|град|"
    "himars|хаймарс|реактивна система залпового вогню|реактивний снаряд|гаубиця|танк|касетний|"
    "обстріляти|обстрілювати|артилерійський обстріл|мінометний обстріл|залп|ураган|смерч": "weapon:artillery",
    "ракета|ракети|ракетний|ракетний удар|іскандер|балістична ракета|крилата ракета|точка-у|"
    "с-300|калібр|кинджал|сторм шедоу|storm shadow|скальп|scalp|атакамс|atacms|нептун": "weapon:missile",
    "під обстріл|під обстрілом|під артобстріл|під артобстрілом": "weapon:artillery",
    "авіаудар|авіабомба|авіабомби|каб|фаб|керована авіабомба|авіація|літак|гелікоптер|вертоліт|"
    "авіаналіт|штурмовик|бомбардувальник": "weapon:airstrike",
    "стрілецька зброя|відкрити вогонь|відкрили вогонь|снайпер|автомат|розстріляти|розстріляли|"
    "застрелити": "weapon:small_arms",
    "вибуховий пристрій|саморобний вибуховий пристрій|свп|фугас|протитанкова міна|"
    "протипіхотна міна|підірватися на міні|розтяжка": "weapon:mine_ied",
    "російський|російська|російські|росія|рф|русский|московський|проросійський": "party:RU:adj",
    # each side's national guard too
    "зс рф|вс рф|збройні сили росії|російська армія|російські війська|російські військові|"
    "росіяни|росгвардія|росгвардійці": "party:RU:actor",
    # each side's pejoratives for the other (listed to see whom a text accuses, both sides')
    "окупант|окупанти|окупантів|рашист|рашисти|загарбник|загарбники|орк|орки|кремлівський режим|"
    "московський режим|путінський режим|москаль|москалі": "party:RU:epithet",
    "українці": "party:UA:actor",
    "палестинський|палестинська|палестинські|палестина|пропалестинський": "party:PS:adj",
    # each side's people, as "росіяни" and "українці" above
    "ізраїльтяни": "party:IL:actor",
    "палестинці": "party:PS:actor",
    "терористи|терористичні угруповання|збройні терористичні угруповання": "party:SY-OPP:epithet",
    # "про-" names the side it supports, as "pro-" does in English
    "український|українська|українські|україна|київський|проукраїнський": "party:UA:adj",
    "зсу|зс україни|збройні сили україни|українські військові|українські війська|"
    "нацгвардія україни|національна гвардія україни": "party:UA:actor",
    "київський режим|київська хунта|неонацисти|нацисти|націоналісти|укронацисти|каратели|карателі|бандерівці|"
    "=укропи|=укропів|=укропам|=укропами|всушники": "party:UA:epithet",
    "ізраїльський|ізраїль|проізраїльський": "party:IL:adj",
    "цахал|армія оборони ізраїлю": "party:IL:actor",
    "хамас|бригади аль-кассам|аль-кассам|хамасівець|хамасівці": "party:PS-HAMAS:actor",
    # the parties the English list names, named in Ukrainian too
    "ісламський джихад|палестинський ісламський джихад|бригади аль-кудс": "party:PS-PIJ:actor",
    "турецький|турецька|турецькі|туреччина": "party:TR:adj",
    "хезболла|хізбалла": "party:LB-HEZBOLLAH:actor",
    # other wars, both sides of each (as in the English list)
    "сирійська армія|сирійські військові|сирійський режим|режим асада|урядові війська сирії": "party:SY-GOV:actor",
    "сирійська опозиція|сирійська збройна опозиція|сирійські повстанці|"
    "вільна сирійська армія|сирійська національна армія": "party:SY-OPP:actor",
    "сирійська арабська армія": "party:SY-GOV:actor",
    "хаят тахрір аш-шам|гайят тахрір аш-шам|тахрір аш-шам|хтш": "party:SY-HTS:actor",
    # each side by every name the press gives it: "швидкої підтримки" and "РСФ" too, and the
    # army as "Суданські збройні сили" (it was the country, SD, where "SAF" is SD-SAF)
    "сили швидкого реагування|сили швидкої підтримки|сшр|сшп|рсф|rsf": "party:SD-RSF:actor",
    "суданська армія|армія судану|збройні сили судану|зс судану|"
    "суданські збройні сили": "party:SD-SAF:actor",
    "суданський": "party:SD:adj",
    "сирійський|сирія": "party:SY:adj",
    # groups named with a country's word, which are not that country's forces
    "сирійські демократичні сили|сдс|армія визволення судану|"
    "рух за визволення судану": "party:-:group",
    "армія м'янми|військові м'янми|татмадо|татмадау": "party:MM-MIL:actor",
    "сили народної оборони": "party:MM-PDF:actor",
    # as English "resistance forces": names the PDF only in Myanmar
    "сили опору|бійці опору": "party:MM-PDF:epithet",
    "м'янманський": "party:MM:adj",
    "ефіопська армія|сили оборони ефіопії|національні сили оборони ефіопії": "party:ET-ENDF:actor",
    "нфвт|народний фронт визволення тиграю|народний фронт визволення тиграї|сили тиграю|"
    "тиграйські сили": "party:ET-TPLF:actor",
    "фано": "party:ET-FANO:actor",
    "ефіопський": "party:ET:adj",
    "еритрейський": "party:ER:adj",
    "хусити|хусит|ансар аллах|ансарулла": "party:YE-HOUTHI:actor",
    # both sides' adjectives, as English "Saudi" and "Houthi"
    "хуситський": "party:YE-HOUTHI:adj",
    "саудівський": "party:SA-COAL:adj",
    "саудівська коаліція|арабська коаліція|коаліція на чолі з саудівською аравією": "party:SA-COAL:actor",
    "урядові війська|урядові сили|хунта|військова хунта": "party:?ARMY:actor",
    "урядовий|проурядовий": "party:?ARMY:adj",
    "повстанці|заколотники|збройна опозиція": "party:?NONSTATE:actor",
    "ворог|ворожий|противник|супротивник|неприятель": "enemy",
    "війська|армія|військові|формування|збройні формування|сили|збройні сили|артилерія|обстріл|"
    "снаряд|ракета|дрон|безпілотник|бпла|удар|авіація|літак|військовий|підрозділ|підрозділи|"
    "бойовики|позиції|солдати|військовослужбовці|fpv-дрон|танк|міномет|рсзв|артилеристи|каб|"
    "авіабомба": "force",
    "з боку|з вини|звинуватити|звинуватили|покласти відповідальність|приписати": "blame",
    "повідомив|повідомила|повідомило|повідомили|заявив|заявила|заявило|заявили|сказав|розповів|"
    "стверджує|стверджують|заперечує|заперечують|підтвердив|підтвердили|звинуватив|звинуватили|"
    "звинувачує|звинувачують": "say",
    "за даними|за словами|за інформацією|згідно з|як повідомили в|як повідомляє": "per",
}

TABLES = {"en": _EN, "ru": _RU, "uk": _UK}


class Lexicon:
    """Phrases of one language, indexed by their first word's keys, longest first."""

    def __init__(self, lang: str) -> None:
        self.lang = lang
        kinds: dict[Phrase, list[str]] = {}
        prefixes: set[str] = set()
        for spec, kind in TABLES[lang].items():
            for phrase in _with_demonyms(spec, kind, lang):
                keys = tuple(lexicon_keys(w, lang) for w in phrase.split())
                if kind not in kinds.setdefault(keys, []):
                    kinds[keys].append(kind)
                for ks in keys:
                    prefixes.update(k[:3] for k in ks)
        self.by_first: dict[str, list[Entry]] = {}
        for keys, found in kinds.items():
            for k in keys[0]:
                self.by_first.setdefault(k, []).append((keys, tuple(found)))
        for entries in self.by_first.values():
            entries.sort(key=lambda e: -len(e[0]))
        from rescuewatch.extract.numbers import NUMBER_WORDS

        prefixes.update(w[:3] for w in NUMBER_WORDS.get(lang, {}))
        self.prefixes = frozenset(prefixes)


def _with_demonyms(spec: str, kind: str, lang: str) -> list[str]:
    """The phrases of ``spec``; an English party adjective also as its people's plural.

    "Russians" meets "russian" through the plural key, but a plural in "-is" keeps its "s"
    (as "crisis" must): "Israelis" or "Saudis" named no one where "Palestinians" did.
    """
    phrases = spec.split("|")
    if lang != "en" or not (kind.startswith("party:") and kind.endswith(":adj")):
        return phrases
    return phrases + [p + "s" for p in phrases if p.isalpha()]


@lru_cache(maxsize=3)
def lexicon(lang: str) -> Lexicon:
    """The (cached) lexicon of ``lang``."""
    return Lexicon(lang)
