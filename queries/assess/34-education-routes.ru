# title: Degree-and-experience routes of every applicant (assessment step 3d)
# question_en: Does each applicant hold the degree and the years of related experience that B-I (and, for language teachers, B-III) require, or a condition that waives the experience?
# question_zh: 每位申请人是否具备B-I（外语教师为B-III）要求的学历和工作经验，或具备免除工作经验的条件？
# clause: 2017 standard B-I "本科及以上学历,2年及以上相关工作经验"; B-III "外语教师 … 取得学士及以上学历,
#   至少有2年的语言教学经验。其中,取得教育、语言或师范类学士以上学位,或取得本国教师资格证书或同等国际语言教学
#   资格证书的,可免除工作经验要求".
# Local waivers (data/requirement_waivers.csv, e.g. Guangzhou–Foshan 2026: outstanding master's/doctoral
#   graduates and urgently needed young S&T professionals are exempt from the two-year experience
#   requirement) are read where and when in force: a condition held (waiver_conditions) meets the
#   route; with short experience and the profile silent on the conditions, it is undetermined.
# Bounds follow the Chinese wording (Civil Code art. 1259): 以上/不低于/至少/年满 include the bound.
PREFIX tk: <https://w3id.org/talentkg/ontology#>
PREFIX tkg: <https://w3id.org/talentkg/id/graph/>
PREFIX tkd: <https://w3id.org/talentkg/id/>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
INSERT { GRAPH tkg:applicants {
  ?app tk:routeOutcome ?node .
  ?node a tk:RouteOutcome ; tk:outcomeRule ?rule ; tk:grantsCategory ?cat ; tk:outcome ?outcome ; tk:detail ?detail ; tk:basedOn ?based .
} }
WHERE {
  # the criteria in force in the applicant's city on the date (step 0, queries/assess/05-contexts.ru)
  GRAPH tkg:applicants { ?app tk:assessmentContext ?ctx . ?ctx tk:applicableRule ?rule . }
  ?rule tk:grantsCategory ?cat .
  OPTIONAL { ?rule tk:boundInclusive ?inclusive }
  ?rule tk:minimumEducation ?minEd ; tk:minimumExperienceYears ?minExp .
  ?minEd tk:educationRank ?minRank ; rdfs:label ?minEdLabel FILTER(LANG(?minEdLabel) = "en")
  OPTIONAL { GRAPH tkg:applicants { ?app tk:education ?ed } ?ed tk:educationRank ?rank ; rdfs:label ?edLabel FILTER(LANG(?edLabel) = "en") }
  OPTIONAL { GRAPH tkg:applicants { ?app tk:experienceYears ?exp } }
  OPTIONAL { GRAPH tkg:applicants { ?app tk:languageTeacher ?lt } }
  OPTIONAL { ?rule tk:requiresLanguageTeacher ?needLT }
  OPTIONAL {
    SELECT ?app ?rule (SAMPLE(?wl) AS ?waiver) WHERE {
      GRAPH tkg:applicants { ?app tk:holdsWaiverCondition ?w }
      ?rule tk:experienceWaivedBy ?w . ?w rdfs:label ?wl FILTER(LANG(?wl) = "en")
    } GROUP BY ?app ?rule
  }
  # a local waiver of this criterion's experience requirement in force in the city on the date
  # (e.g. the Guangzhou–Foshan measures, seed 000), and whether the applicant holds one of its conditions
  OPTIONAL {
    SELECT ?app ?rule (SAMPLE(?lwl) AS ?localWaiver) (SAMPLE(?lcl) AS ?localHeld) WHERE {
      # the waivers in force in the city on the date (step 0, queries/assess/05-contexts.ru: block waiver-in-force)
      GRAPH tkg:applicants { ?app tk:assessmentContext ?lctx . ?lctx tk:waiverInForce ?lw }
      ?lw tk:waivesCriterion ?rule ; rdfs:label ?lwl .
      FILTER(LANG(?lwl) = "en")
      OPTIONAL {
        GRAPH tkg:applicants { ?app tk:holdsWaiverCondition ?lc }
        ?lw tk:waiverCondition ?lc . ?lc rdfs:label ?lcl FILTER(LANG(?lcl) = "en")
      }
    } GROUP BY ?app ?rule
  }
  OPTIONAL { GRAPH tkg:applicants { ?app tk:waiverConditionsDeclared ?declared } }
  BIND(COALESCE(?needLT, false) && !COALESCE(?lt, false) AS ?notTeacher)
  BIND(COALESCE(?waiver, ?localHeld) AS ?waived)
  BIND(BOUND(?exp) && (?exp > ?minExp || (COALESCE(?inclusive, true) && ?exp = ?minExp)) AS ?expOK)
  # the waiver may apply and the profile does not say whether the applicant is one of those it names
  BIND(BOUND(?localWaiver) && !BOUND(?localHeld) && !COALESCE(?declared, false) AS ?localOpen)
  BIND(IF(?notTeacher, "not_met",
       IF(!BOUND(?rank), "undetermined",
       IF(?rank < ?minRank, "not_met",
       IF(BOUND(?waived), "met",
       IF(?expOK, "met",
       IF(?localOpen || !BOUND(?exp), "undetermined", "not_met")))))) AS ?outcome)
  BIND(IF(?notTeacher, "applies to foreign language teachers only (language_teacher is not true)",
       IF(!BOUND(?rank), "education not given",
       IF(?rank < ?minRank, CONCAT(?edLabel, " is below the required ", ?minEdLabel),
       IF(BOUND(?waived), CONCAT(?edLabel, "; experience requirement waived: ", ?waived),
       CONCAT(?edLabel, "; ",
              IF(!BOUND(?exp), "related_experience_years not given",
                 CONCAT(STR(?exp), IF(?expOK, " ≥ ", " < "), STR(?minExp), " years of related experience")),
              IF(!?expOK && ?localOpen,
                 CONCAT("; the local waiver may apply — ", ?localWaiver, " — and the profile does not say whether the applicant qualifies (waiver_conditions)"),
                 "")))))) AS ?detail)
  BIND(IRI(CONCAT(STR(?app), "/outcome/", REPLACE(STRAFTER(STR(?rule), "https://w3id.org/talentkg/id/"), "/", "-"))) AS ?node)
}
