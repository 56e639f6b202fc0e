# title: Verdict of every applicant (assessment step 4)
# question_en: Which category can each applicant apply for on the application date?
# question_zh: 每位申请人在申请日可申请哪一类工作许可？
# clause: 2017 classification standard: A if one A condition holds ("具备下列条件之一"), else B if
#   one B condition holds; C for other foreigners meeting the basic conditions, under quota
#   management. A higher category whose route is undetermined is listed, not assumed; with no A or
#   B route met and one undetermined, the verdict is undetermined — never a guess.
# Applicant conditions gate every route of their categories (35-basic-conditions.ru): a category
#   whose condition is not met is not granted, whatever route is met (应年满18周岁: a 17-year-old
#   with 70 points is not B); one undetermined on a given age (a relaxable limit exceeded) leaves
#   the category undetermined. A condition whose input is missing is reported, not blocking.
# Before any classification standard is in force in the city, the reason says so (the earliest
#   start of the criteria covering the city is read from the data).
# writes: tk:verdict, tk:verdictReason and tk:verdictCode (a template id of data/messages.csv).
PREFIX tk: <https://w3id.org/talentkg/ontology#>
PREFIX tkg: <https://w3id.org/talentkg/id/graph/>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
INSERT { GRAPH tkg:applicants { ?app tk:verdict ?verdict ; tk:verdictReason ?reason ; tk:verdictCode ?code } }
WHERE {
  GRAPH tkg:applicants { ?app a tk:Applicant ; tk:applicationCity ?city ; tk:applicationDate ?date }
  OPTIONAL {
    SELECT ?app (MAX(IF(?effMet, ?r, 0)) AS ?bestMet) (MAX(IF(?effOpen && ?r > 1, ?r, 0)) AS ?bestOpen0)
           (MAX(IF(?effOpen && ?r = 1, 1, 0)) AS ?cOpen)
           (MAX(IF(?hasMet = 1 && ?gateNot = 1, ?r, 0)) AS ?blockedNot) (MAX(IF(?hasMet = 1 && ?gateOpen = 1 && ?gateNot = 0, ?r, 0)) AS ?blockedOpen) WHERE {
      {
        SELECT ?app ?c (MAX(IF(?o = "met", 1, 0)) AS ?hasMet) (MAX(IF(?o = "undetermined", 1, 0)) AS ?hasOpen) WHERE {
          GRAPH tkg:applicants { ?app tk:routeOutcome ?x . ?x tk:outcome ?o ; tk:grantsCategory ?c ; tk:outcomeRule ?rule }
          FILTER NOT EXISTS { ?rule a tk:ApplicantCondition }
        } GROUP BY ?app ?c
      }
      OPTIONAL {
        SELECT ?app ?c (MAX(IF(?go = "not_met", 1, 0)) AS ?gn) (MAX(IF(?go = "undetermined" && !?gm, 1, 0)) AS ?gu) WHERE {
          GRAPH tkg:applicants { ?app tk:conditionCheck ?k . ?k tk:outcomeRule ?cond ; tk:outcome ?go ; tk:inputMissing ?gm }
          ?cond tk:appliesToCategory ?c .
        } GROUP BY ?app ?c
      }
      ?c tk:categoryRank ?r .
      BIND(COALESCE(?gn, 0) AS ?gateNot)
      BIND(COALESCE(?gu, 0) AS ?gateOpen)
      BIND(?hasMet = 1 && ?gateNot = 0 && ?gateOpen = 0 AS ?effMet)
      BIND(?gateNot = 0 && (?hasOpen = 1 || (?hasMet = 1 && ?gateOpen = 1)) AS ?effOpen)
    } GROUP BY ?app
  }
  OPTIONAL {
    # a basic condition (one that applies to the lowest category) is not met
    SELECT ?app (1 AS ?basicNot) WHERE {
      GRAPH tkg:applicants { ?app tk:conditionCheck ?bk . ?bk tk:outcomeRule ?bcond ; tk:outcome "not_met" }
      ?bcond tk:appliesToCategory ?bcat . ?bcat tk:categoryRank 1 .
    } GROUP BY ?app
  }
  OPTIONAL {
    SELECT ?app (COUNT(?o2) AS ?nOpen) WHERE {
      GRAPH tkg:applicants { ?app tk:routeOutcome ?o2 . ?o2 tk:outcome "undetermined" ; tk:grantsCategory ?c2 }
      ?c2 tk:categoryRank ?r2 FILTER(?r2 > 1)
    } GROUP BY ?app
  }
  OPTIONAL {
    # no criterion in force: when do the criteria covering the city start?
    SELECT ?app (MIN(?cvf) AS ?firstStart) WHERE {
      GRAPH tkg:applicants { ?app tk:assessmentContext ?ctx0 ; tk:applicationCity ?city0 . FILTER NOT EXISTS { ?ctx0 tk:applicableRule ?anyRule } }
      ?crit a tk:EligibilityCriterion ; tk:validFrom ?cvf ; tk:jurisdiction ?cj .
      FILTER EXISTS { ?city0 tk:parentJurisdiction* ?cj }
    } GROUP BY ?app
  }
  OPTIONAL { ?city rdfs:label ?cityLabel FILTER(LANG(?cityLabel) = "en") }
  BIND(COALESCE(?bestOpen0, 0) AS ?bestOpenR)
  BIND(IF(?bestOpenR > 0, ?bestOpenR, ?unbound) AS ?bestOpen)
  OPTIONAL { ?vc tk:categoryRank ?vr ; skos:notation ?metCode . FILTER(?vr = ?bestMet) }
  OPTIONAL { ?oc tk:categoryRank ?orr ; skos:notation ?openCode . FILTER(?orr = ?bestOpen) }
  OPTIONAL { ?bc tk:categoryRank ?brr ; skos:notation ?blockedCode . FILTER(?brr = ?blockedOpen) }
  OPTIONAL { ?nc tk:categoryRank ?nrr ; skos:notation ?blockedNotCode . FILTER(?nrr = ?blockedNot) }
  BIND(COALESCE(?bestMet, 0) AS ?met)
  BIND(BOUND(?firstStart) && ?met = 0 && !BOUND(?bestOpen) AS ?noStandard)
  BIND(IF(?noStandard, "undetermined",
       IF(?met >= 2, ?metCode, IF(BOUND(?bestOpen), "undetermined", IF(?met = 1, ?metCode, "undetermined")))) AS ?verdict)
  BIND(IF(?noStandard, "verdict.no_standard_in_force",
       IF(?met >= 2, "verdict.met",
       IF(BOUND(?bestOpen), IF(COALESCE(?blockedOpen, 0) > 0, "verdict.condition_undetermined", "verdict.undetermined"),
       IF(?met = 1, "verdict.category_c",
       IF(COALESCE(?basicNot, 0) = 1, "verdict.basic_conditions_not_met",
       IF(COALESCE(?cOpen, 0) = 1, "verdict.basic_conditions_undetermined", "verdict.none")))))) AS ?code)
  BIND(IF(?noStandard,
          CONCAT("no classification standard was in force in ", COALESCE(?cityLabel, STR(?city)), " on ", STR(?date),
                 ": the criteria in the data for it start on ", STR(?firstStart)),
       IF(?met >= 2,
          CONCAT("a Category ", ?metCode, " route is met",
                 IF(BOUND(?bestOpen) && ?bestOpen > ?met, CONCAT("; a Category ", ?openCode, " route is undetermined (see undetermined)"), ""),
                 IF(COALESCE(?blockedNot, 0) > ?met, CONCAT("; a Category ", ?blockedNotCode, " route is met but a condition of Category ", ?blockedNotCode, " is not (see not_met)"), "")),
       IF(BOUND(?bestOpen),
          IF(COALESCE(?blockedOpen, 0) > 0,
             CONCAT("a Category ", ?blockedCode, " route is met but a condition every Category ", ?blockedCode, " applicant must meet could not be decided (see undetermined)"),
             CONCAT("no A or B route is met and ", STR(COALESCE(?nOpen, 0)), " could not be decided from the data (see undetermined)")),
       IF(?met = 1, "no A or B route holds and the basic conditions are met: Category C, which is quota-managed",
       IF(COALESCE(?basicNot, 0) = 1,
          CONCAT("the basic conditions every applicant must meet are not met (see not_met)",
                 IF(COALESCE(?blockedNot, 0) > 1, CONCAT(", although a Category ", ?blockedNotCode, " route is met"), ""), ": no category can be granted"),
       IF(COALESCE(?cOpen, 0) = 1, "no A or B route is met and the basic conditions of Category C could not be checked (see undetermined)",
          "no route is met: not even the basic conditions of Category C")))))) AS ?reason)
}
