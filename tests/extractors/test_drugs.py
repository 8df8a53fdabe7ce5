"""DRUG and DRUG_CLASS: lexicon, defined abbreviations, open dictionary, dosed class."""

from __future__ import annotations

from pathlib import Path

import pytest
import spacy

from pipeline.extractors.drugs import (
    DrugFinder,
    drug_rules,
    drugbank_id,
    open_dictionary,
    open_dictionary_openers,
)
from pipeline.extractors.lexicon import LexiconError, load_lexicon
from pipeline.extractors.phrases import LexiconMatcher


@pytest.fixture(scope="module")
def finder():
    nlp = spacy.blank("en")
    return nlp, DrugFinder(nlp)


def found(finder, text, abbreviations=None):
    nlp, f = finder
    return [(text[m.start:m.end], m.label, m.attrs.get("norm"), m.attrs.get("class"),
             m.attrs.get("drugbank")) for m in f(nlp(text), abbreviations)]


def test_lexicon_abbreviations_and_generics(finder):
    text = "Prior treatment: prednisone (15 mg qd), HCQ (100 mg bid), Cys A (morning: 50 mg), MMF."
    assert found(finder, text) == [
        ("prednisone", "DRUG", "prednisone", "glucocorticoid", "DB00635"),
        ("HCQ", "DRUG", "hydroxychloroquine", "antimalarial", "DB01611"),
        ("Cys A", "DRUG", "cyclosporine", "calcineurin_inhibitor", "DB00091"),
        ("MMF", "DRUG", "mycophenolate mofetil", "csdmard", "DB00688"),
    ]


def test_abbreviations_are_case_sensitive(finder):
    assert found(finder, "the tof was high; mtx") == []


def test_open_dictionary_finds_drugs_outside_the_lexicon(finder):
    text = "She was given amoxicillin and later omeprazole."
    assert [(s, n, d) for s, _, n, _, d in found(finder, text)] == [
        ("amoxicillin", "amoxicillin", "DB01060"), ("omeprazole", "omeprazole", "DB00338"),
    ]


def test_open_dictionary_names_of_several_tokens_longest_first(finder):
    text = "Valproic acid was stopped; 5-fluorouracil and insulin glargine (basal) were given."
    assert [(s, n) for s, _, n, _, _ in found(finder, text)] == [
        ("Valproic acid", "valproic acid"), ("5-fluorouracil", "fluorouracil"),
        ("insulin glargine", "insulin glargine"),
    ]


def test_stop_list_keeps_cytokines_and_ages_out(finder):
    assert found(finder, "IL-2 and interleukin 12 rose at 10 years; GM-CSF was high") == []


def test_dosed_glucocorticoid_class_is_the_papers_steroid(finder):
    text = "prednisone (25 mg qd) in case 2; GC (15 mg qd), HCQ; difficulty tapering GC."
    out = found(finder, text)
    assert ("GC", "DRUG", "prednisone", "glucocorticoid", "DB00635") in out
    assert ("GC", "DRUG_CLASS", "glucocorticoid", None, None) in out


def test_paper_defined_abbreviation_becomes_the_drug(finder):
    text = "a new agent, zoledronate (ZLD), was given; ZLD was stopped."
    first, second = text.index("ZLD"), text.rindex("ZLD")
    out = found(finder, text, [("ZLD", first, first + 3, "zoledronate"),
                               ("ZLD", second, second + 3, "zoledronate")])
    assert [(s, n) for s, label, n, _, _ in out if label == "DRUG"] == [
        ("zoledronate", "zoledronic acid"), ("ZLD", "zoledronic acid"), ("ZLD", "zoledronic acid"),
    ]


def test_drug_classes_longest_form(finder):
    text = "Janus kinase (JAK) inhibitor; JAKi and bDMARDs; conventional and biological DMARDs"
    assert [(s, n) for s, label, n, _, _ in found(finder, text)] == [
        ("Janus kinase (JAK) inhibitor", "jak_inhibitor"), ("JAKi", "jak_inhibitor"),
        ("bDMARDs", "bdmard"), ("conventional and biological DMARDs", "dmard"),
    ]


def test_open_dictionary_leaves_out_markup_and_entries_opening_with_punctuation(finder):
    names = open_dictionary()
    assert "cobicistat" in names and "[[cobicistat" not in names
    assert names["vusion"] == ("miconazole", "DB01110") and ", vusion" not in names  # the separator taken off
    assert not [name for name in names if "&lt;" in name or "{{" in name or name[0] in ",;. "]
    assert "," not in open_dictionary_openers()  # a comma opens no name, so no comma is looked at
    text = "Lotrimin, Vusion and .alpha.-mangostin were applied."
    assert [(s, n) for s, _, n, _, _ in found(finder, text)] == [
        ("Lotrimin", "clotrimazole"), ("Vusion", "miconazole")]


def test_drugbank_ids_and_open_dictionary_exclude_mesh_concepts():
    assert drugbank_id("tofacitinib") == "DB08895"
    assert drugbank_id("telitacicept") == "DB18312"
    assert "rheumatoid factor" not in open_dictionary()
    assert "interleukins" not in open_dictionary()
    assert "penicillin" not in open_dictionary()  # MeSH's class "Penicillins" only
    # medicines MedlinePlus or the NHS know but DrugBank's part of the dictionary does not
    assert open_dictionary()["mesalamine"] == ("mesalamine", "")
    assert open_dictionary()["pentasa"] == ("mesalamine", "")
    assert drugbank_id("lithium") is None


def test_every_lexicon_loads_and_has_valid_classes():
    classes = {e.get("norm") for e in load_lexicon("drug_classes.tsv")}
    for entry in load_lexicon("drugs.tsv", ("surface", "norm", "class")):
        assert entry.get("class") in classes | {"il1_inhibitor", "chemotherapy", "immunoglobulin",
                                                "blys_inhibitor"}, entry.surface


def test_malformed_lexicon_names_file_and_line(tmp_path, monkeypatch):
    import pipeline.extractors.lexicon as lex

    class FakeFiles:
        def joinpath(self, name):
            return tmp_path / name

    (tmp_path / "bad.tsv").write_text("surface\tnorm\nfoo\n", encoding="utf-8")
    monkeypatch.setattr(lex.resources, "files", lambda package: FakeFiles())
    lex.load_lexicon.cache_clear()
    with pytest.raises(LexiconError, match=r"pipeline/data/lexicons/bad.tsv:2: expected 2 columns"):
        lex.load_lexicon("bad.tsv")
    lex.load_lexicon.cache_clear()


def test_pharmacological_classes_and_short_abbreviations(finder):
    text = "treated with diuretics, β-blockers and ACE inhibitors; VPA, 6-MP and heparin; chemotherapy"
    assert [(s, label, n) for s, label, n, _, _ in found(finder, text)] == [
        ("diuretics", "DRUG_CLASS", "diuretic"), ("β-blockers", "DRUG_CLASS", "beta_blocker"),
        ("ACE inhibitors", "DRUG_CLASS", "ace_inhibitor"), ("VPA", "DRUG", "valproic acid"),
        ("6-MP", "DRUG", "mercaptopurine"), ("heparin", "DRUG", "heparin"),
        ("chemotherapy", "DRUG_CLASS", "chemotherapy"),
    ]


def test_treatments_named_by_what_they_give(finder):
    text = ("Under general anaesthesia with sevoflurane, anticoagulation with heparin was begun; "
            "she went home on calcium supplements, vitamins and lithium.")
    assert [(s, label, norm) for s, label, norm, _, _ in found(finder, text)] == [
        ("general anaesthesia", "DRUG_CLASS", "anesthetic"), ("sevoflurane", "DRUG", "sevoflurane"),
        ("anticoagulation", "DRUG_CLASS", "anticoagulant"), ("heparin", "DRUG", "heparin"),
        ("calcium supplements", "DRUG_CLASS", "supplement"), ("vitamins", "DRUG_CLASS", "vitamin"),
        ("lithium", "DRUG", "lithium"),
    ]


@pytest.mark.parametrize(("text", "span", "norm"), [
    ("treated with conventional synthetic and/or biological DMARDs,", "conventional synthetic and/or biological DMARDs", "dmard"),
    ("glucocorticoids, conventional\n\nbiological DMARDs (bDMARDs)", "conventional\n\nbiological DMARDs", "dmard"),
    ("Biological disease-modifying anti-rheumatic drugs", "Biological disease-modifying anti-rheumatic drugs", "bdmard"),
    ("no targeted\nsynthetic DMARDs", "targeted\nsynthetic DMARDs", "tsdmard"),
    ("a recombinant humanised anti-human IL-6 receptor monoclonal antibody", "anti-human IL-6 receptor monoclonal antibody", "il6_inhibitor"),
])
def test_classes_with_coordinated_modifiers_and_line_breaks(finder, text, span, norm):
    classes = [(s, n) for s, label, n, _, _ in found(finder, text) if label == "DRUG_CLASS"]
    assert (span, norm) in classes and not any(s in span for s, _ in classes if s != span)


def test_blockades_supports_and_penicillin(finder):
    text = ("He went home on non-selective β blockade after minimal inotropic support; "
            "intravenous penicillin was started, then thiopurines.")
    assert [(s, label, norm) for s, label, norm, _, _ in found(finder, text)] == [
        ("β blockade", "DRUG_CLASS", "beta_blocker"), ("inotropic support", "DRUG_CLASS", "inotrope"),
        ("penicillin", "DRUG", "penicillin g"), ("thiopurines", "DRUG_CLASS", "immunosuppressant"),
    ]


def test_a_drug_before_increase_or_disease_is_not_an_enzyme_substrate(finder):
    text = "Does acyclovir increase the risk? Fatal fibrosis associated with BCNU and VP-16."
    assert [(s, n) for s, _, n, _, _ in found(finder, text)] == [
        ("acyclovir", "acyclovir"), ("BCNU", "carmustine"), ("VP-16", "etoposide")]


def test_lupus_anticoagulant_is_a_test_not_a_class(finder):
    assert found(finder, "positive lupus anticoagulant") == []


def test_measured_or_tested_substances_are_not_drugs(finder):
    text = ("Serum folate was normal; vitamin E deficiency; citrate synthase activity; raised "
            "valproate levels. The isolate was susceptible to ceftriaxone and vancomycin.")
    assert found(finder, text) == []


@pytest.mark.parametrize("text", [
    "follicle-stimulating hormone (FSH), 4.57 mIU/ml; adrenocorticotropic hormone (ACTH), 37.4 pg/ml",
    "Morning cortisol was 2.1 µg/dL and insulin 45 mU/L.",
    "growth hormone <0.05 ng/mL",
])
def test_substances_with_a_value_per_volume_are_measured(finder, text):
    assert found(finder, text) == []


@pytest.mark.parametrize("text", [
    "borderline values for growth hormone (GH) deficiency",
    "grew confluently around the ceftaroline Etest strip",
    "Blood cultures grew Escherichia coli and Candida albicans.",
    "excision of the thyroid gland",
])
def test_deficiencies_tests_organisms_and_organs_are_not_drugs(finder, text):
    assert found(finder, text) == []


def test_doses_after_a_drug_are_not_values_per_volume(finder):
    text = "Cortisol 10 mg/m2/day and heparin 18 U/kg/h were given; vancomycin 15 mg/kg."
    assert [s for s, *_ in found(finder, text)] == ["Cortisol", "heparin", "vancomycin"]


def test_a_name_a_flattened_table_wrapped_over_a_line_break(finder):
    # TABLE 1 of the cSLE paper: "Cys" ends a line of the "Prior treatments" list, "A" starts the next
    from pipeline.segment import segment

    text = ("TABLE 1 Characteristics.\n\n"
            "Patient Sex Age  Prior Main reason\n"
            "diagnosis treatments for TOF\n\n"
            "1 F 10.00 GC, CTX, MMF Growth retardation 3.50 Arthralgia,\n"
            "HCQ, Cys from GC fever,\n"
            "A belimumab thrombocytopenia\n\n"
            "GC, glucocorticoid; CTX, cyclophosphamide; Cys A, cyclosporine A.\n")
    nlp, f = finder
    tables = segment(text).tables
    cys = text.index("Cys from")
    got = {(m.start, m.end): m.attrs["norm"] for m in f(nlp(text), tables=tables) if m.label == "DRUG"}
    assert got[cys, cys + 3] == "cyclosporine"
    assert (cys, cys + 3) not in {(m.start, m.end) for m in f(nlp(text)) if m.label == "DRUG"}


RULE_EXAMPLES = [(r, text, span) for r in drug_rules() for text, span in r.match_examples]
RULE_NON_EXAMPLES = [(r, text) for r in drug_rules() for text in r.no_match_examples]


@pytest.mark.parametrize(("rule", "text", "span"), RULE_EXAMPLES,
                         ids=[f"{r.name}:{t[:25]!r}" for r, t, _ in RULE_EXAMPLES])
def test_drug_rules_find_their_examples(rule, text, span):
    assert rule.find(text) == [span]


@pytest.mark.parametrize(("rule", "text"), RULE_NON_EXAMPLES,
                         ids=[f"{r.name}:{t[:25]!r}" for r, t in RULE_NON_EXAMPLES])
def test_drug_rules_leave_their_non_examples(rule, text):
    assert rule.find(text) == []


def test_classes_named_after_their_target(finder):
    text = ("She had taken an mTOR inhibitor, then PD-1 inhibitors and anti-VEGF "
            "therapy; a factor VIII inhibitor was found; C1 esterase inhibitor deficiency.")
    assert [(s, label, norm) for s, label, norm, _, _ in found(finder, text)] == [
        ("mTOR inhibitor", "DRUG_CLASS", "mtor_inhibitor"),
        ("PD-1 inhibitors", "DRUG_CLASS", "pd_1_inhibitor"),
        ("anti-VEGF therapy", "DRUG_CLASS", "anti_vegf"),
    ]


def test_class_words_families_regimens_and_blood_products(finder):
    text = ("poor compliance with anti-thyroid drugs; a third generation cephalosporin and a "
            "macrolide; FOLFOX; fresh frozen plasma (FFP) and packed red blood cells; crystalloids")
    assert [(s, norm) for s, _, norm, _, _ in found(finder, text)] == [
        ("anti-thyroid drugs", "antithyroid"), ("cephalosporin", "antibiotic"),
        ("macrolide", "antibiotic"), ("FOLFOX", "chemotherapy"),
        ("fresh frozen plasma", "blood_product"), ("FFP", "blood_product"),
        ("packed red blood cells", "blood_product"), ("crystalloids", "fluids"),
    ]


@pytest.mark.parametrize(("text", "given"), [
    ("glucose was poorly controlled via subcutaneous insulin injection", ["insulin"]),
    ("fasting insulin was 12 mU/L; insulin resistance", []),
    ("We began to administer 4 L/min of oxygen nasally; oxygen saturation was 90%", ["oxygen"]),
    ("rehydration using saline; albumin 3.2 g/dL; she needed oral iron after surgery", ["saline", "iron"]),
    ("4.0g of fibrinogen concentrate; serum iron 40 µg/dL; an oral glucose tolerance test", ["fibrinogen"]),
    ("continuous glucose monitoring", []),
])
def test_substances_as_often_measured_as_given_need_words_that_say_given(finder, text, given):
    assert [s for s, label, *_ in found(finder, text) if label == "DRUG"] == given


def test_a_measured_substance_in_a_list_of_levels_is_not_a_drug(finder):
    text = ("The serum levels of ACTH and cortisol were elevated; epinephrine values were normal; "
            "the levodopa test; rifampicin-susceptible M. tuberculosis; human epidermal growth factor "
            "receptor 2; the prophylactic value of misoprostol")
    assert [s for s, *_ in found(finder, text)] == ["misoprostol"]


@pytest.mark.parametrize("text", [
    "Bone scintigraphy using technetium-99m methylenediphosphate showed uptake",
    "technetium-99m octreotide (99mTc-OCT) scintigraphy was performed",
    "fluorescein and indocyanine green angiography",
])
def test_tracers_and_dyes_of_an_imaging_study_are_not_drugs(finder, text):
    assert found(finder, text) == []


def test_short_forms_with_a_hyphen_or_slash_defined_after_a_drug_or_combination(finder):
    text = ("liposomal amphotericin B (L-AMB) was given. Tazobactam/piperacillin (TAZ/PIPC) was "
            "added. On day 3 L-AMB and TAZ/PIPC were stopped. The EGFR-TKI (E-TKI) was not.")
    got = [(s, norm) for s, label, norm, _, _ in found(finder, text) if label == "DRUG"]
    assert got == [
        ("liposomal amphotericin B", "amphotericin b"), ("L-AMB", "amphotericin b"),
        ("Tazobactam", "tazobactam"), ("piperacillin", "piperacillin"),
        ("TAZ/PIPC", "tazobactam/piperacillin"), ("L-AMB", "amphotericin b"),
        ("TAZ/PIPC", "tazobactam/piperacillin"),
    ]


@pytest.mark.parametrize(("text", "expected"), [
    ("maintained with Sevofluorane and fentanyl", [("Sevofluorane", "sevoflurane"), ("fentanyl", "fentanyl")]),
    ("tacrolimus and mycofenolate mofetil", [("tacrolimus", "tacrolimus"), ("mycofenolate", "mycophenolate")]),
    ("cisplatin and 5-fluorourasil (5-FU)", [("cisplatin", "cisplatin"), ("fluorourasil", "fluorouracil"),
                                              ("5-FU", "fluorouracil")]),
    ("slidenafil targeted PAH therapy", [("slidenafil", "sildenafil")]),
])
def test_misspelt_drug_names(finder, text, expected):
    assert [(s, norm) for s, label, norm, _, _ in found(finder, text) if label == "DRUG"] == expected


@pytest.mark.parametrize("text", [
    "normal levels of troponine",     # nearer the word "troponin" than any drug
    "elevated serum creatinin",       # nearer "creatinine"
    "The mass showed isointense signal",  # no drug sounds like it
    "she was given denopamine",       # "dopamine" is another drug: the consonants differ
    "the parametrium was free",       # as near "parametric" as a drug
])
def test_words_that_are_no_misspelt_drug(finder, text):
    assert [s for s, label, *_ in found(finder, text) if label == "DRUG"] == []


def test_consonants_keep_how_a_name_sounds():
    from pipeline.extractors.misspellings import consonants

    assert consonants("mycophenolate") == consonants("mycofenolate") == "mkfnlt"
    assert consonants("fluorouracil") == consonants("fluorourasil")
    assert consonants("apatinib") != consonants("afatinib")


def test_a_bad_drug_rule_file_names_the_file_and_rule(monkeypatch):
    import pipeline.extractors.drugs as drugs

    class FakeFile:
        def __init__(self, text):
            self.text = text

        def joinpath(self, name):
            return self

        def read_text(self, encoding):
            return self.text

    drugs.drug_rules.cache_clear()
    try:
        monkeypatch.setattr(drugs.resources, "files", lambda package: FakeFile(
            "patterns:\n  - name: broken\n    kind: class\n    regex: '(?P<target>x'\n"))
        with pytest.raises(ValueError, match=r"drugs\.yaml: pattern 1 \(broken\)"):
            drugs.drug_rules()
        monkeypatch.setattr(drugs.resources, "files", lambda package: FakeFile(
            "patterns:\n  - name: odd\n    kind: other\n    regex: 'x'\n"))
        with pytest.raises(ValueError, match=r"pattern 1 \(odd\): kind must be one of"):
            drugs.drug_rules()
    finally:
        drugs.drug_rules.cache_clear()


@pytest.mark.parametrize(("text", "given"), [
    ("administration of sodium pentothal", ["pentothal"]),  # sodium names the salt
    ("oral potassium iodine 50 mg every 6 hours", []),      # a salt the dictionary does not know
    ("Ibandronate sodium was given monthly", ["Ibandronate"]),
    ("prednisone and oral iron", ["prednisone", "iron"]),
    ("Contrast echocardiography using saline revealed a shunt", []),
    ("The organism was bile esculin-negative", []),
])
def test_a_substance_that_names_a_salt_a_test_or_a_contrast_is_not_given(finder, text, given):
    assert [s for s, label, *_ in found(finder, text) if label == "DRUG"] == given


@pytest.mark.parametrize("word", ["creatinine", "troponin", "sildenafil", "sevofluorane", "mycofenolate",
                                  "propafenone", "naïveté", "parametric"])
def test_a_known_word_is_one_wordfreq_gives_a_frequency(word):
    from wordfreq import zipf_frequency

    from pipeline.extractors.misspellings import known_word

    assert known_word(word) == (zipf_frequency(word, "en") > 0)


def test_one_pass_over_the_drug_lexicons_matches_each_as_a_pass_over_it_alone(finder):
    nlp, f = finder
    examples = Path(__file__).parents[2] / "corpora" / "examples"
    texts = [p.read_text(encoding="utf-8") for p in sorted(examples.glob("ex0*.txt"))]
    counts = [0, 0, 0]  # drugs, classes, substances as often measured as given
    for text in texts:
        doc = nlp.make_doc(text)
        for n, (lexicon, matches) in enumerate(zip(f.lexicons.lexicons, f.lexicons.by_lexicon(doc), strict=True)):
            alone = LexiconMatcher(nlp, lexicon)(doc)
            assert matches == alone
            counts[n] += len(matches)
    assert all(counts)


def test_open_dictionary_after_a_letter_that_lower_cases_to_two(finder):
    # "İ".lower() is two characters: the open dictionary's look-ups must stay on the text's offsets
    from pipeline.extractors.drugs import lower_in_place

    text = "İ She was given amoxicillin and later omeprazole."
    assert lower_in_place(text) == "İ she was given amoxicillin and later omeprazole."
    assert lower_in_place("ABC Σ") == "abc σ"
    assert [(t, norm) for t, label, norm, _, _ in found(finder, text) if label == "DRUG"] == [
        ("amoxicillin", "amoxicillin"), ("omeprazole", "omeprazole")]


def test_lexeme_flags_mark_the_words_that_may_begin_an_open_dictionary_name_or_be_misspelt():
    from pipeline.extractors.drugs import may_open, open_dictionary
    from pipeline.extractors.misspellings import may_be_misspelt
    from pipeline.extractors.phrases import flagged_tokens, lexeme_flag

    nlp = spacy.blank("en")
    flag = lexeme_flag(nlp.vocab, "may_open", may_open)
    assert lexeme_flag(nlp.vocab, "may_open", may_open) == flag  # one flag per name and vocabulary
    misspelt = lexeme_flag(nlp.vocab, "may_be_misspelt", may_be_misspelt)
    assert misspelt != flag
    assert "amoxicillin" in open_dictionary()
    # words the vocabulary met only after the flags were added are marked too
    doc = nlp.make_doc("Amoxicillin zqxwv was given, İbuprofen too; mycofenolate and MYCOFENOLATE")
    # "and" begins names of the dictionary's ("and emtricitabine)"), a comma none; "İbuprofen" has
    # a letter past ASCII, so it is looked at
    assert [doc[i].text for i in flagged_tokens(doc, flag)] == ["Amoxicillin", "İbuprofen", "and"]
    # wordfreq knows "amoxicillin"; a word in capitals is no misspelling
    assert [doc[i].text for i in flagged_tokens(doc, misspelt)] == ["İbuprofen", "mycofenolate"]
