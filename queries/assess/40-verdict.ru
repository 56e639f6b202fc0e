# title: Verdict of every applicant (assessment step 4)
# question_en: Which category can each applicant apply for on the application date?
# question_zh: 每位申请人在申请日可申请哪一类工作许可？
# clause: 2017 classification standard: A if one A condition holds ("具备下列条件之一"), else B if
#   one B condition holds; C for other foreigners meeting the basic conditions, under quota
#   management. A higher category whose route is undetermined is listed, not assumed; with no A or
#   B route met and one undetermined, the verdict is undetermined — never a guess.
PREFIX tk: <https://w3id.org/talentkg/ontology#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
INSERT { GRAPH <https://w3id.org/talentkg/id/graph/applicants> { ?app tk:verdict ?verdict ; tk:verdictReason ?reason } }
WHERE {
  GRAPH <https://w3id.org/talentkg/id/graph/applicants> { ?app a tk:Applicant }
  OPTIONAL {
    SELECT ?app (MAX(?r) AS ?bestMet) WHERE {
      GRAPH <https://w3id.org/talentkg/id/graph/applicants> { ?app tk:routeOutcome ?o . ?o tk:outcome "met" ; tk:grantsCategory ?c }
      ?c tk:categoryRank ?r
    } GROUP BY ?app
  }
  OPTIONAL {
    SELECT ?app (MAX(?r2) AS ?bestOpen) (COUNT(?o2) AS ?nOpen) WHERE {
      GRAPH <https://w3id.org/talentkg/id/graph/applicants> { ?app tk:routeOutcome ?o2 . ?o2 tk:outcome "undetermined" ; tk:grantsCategory ?c2 }
      ?c2 tk:categoryRank ?r2 FILTER(?r2 > 1)
    } GROUP BY ?app
  }
  OPTIONAL { ?vc tk:categoryRank ?vr ; skos:notation ?metCode . FILTER(?vr = ?bestMet) }
  OPTIONAL { ?oc tk:categoryRank ?orr ; skos:notation ?openCode . FILTER(?orr = ?bestOpen) }
  BIND(COALESCE(?bestMet, 0) AS ?met)
  BIND(IF(?met >= 2, ?metCode, IF(BOUND(?bestOpen), "undetermined", IF(?met = 1, ?metCode, "undetermined"))) AS ?verdict)
  BIND(IF(?met >= 2,
          CONCAT("a Category ", ?metCode, " route is met",
                 IF(BOUND(?bestOpen) && ?bestOpen > ?met, CONCAT("; a Category ", ?openCode, " route is undetermined (see undetermined)"), "")),
       IF(BOUND(?bestOpen),
          CONCAT("no A or B route is met and ", STR(?nOpen), " could not be decided from the data (see undetermined)"),
       IF(?met = 1, "no A or B route holds and the basic conditions are met: Category C, which is quota-managed",
          "no route is met: not even the basic conditions of Category C"))) AS ?reason)
}
