# title: Award routes of every applicant (assessment step 3c)
# question_en: Has each applicant won an award that A-II-1 or A-II-2 names?
# question_zh: 每位申请人是否获得A-II-1、A-II-2所列奖项？
# clause: 2017 standard A-II-1 "诺贝尔奖得主"; A-II-2 "以下奖项的获得者: 美国国家科学奖 … 图灵奖、菲尔兹奖 …".
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
  ?rule tk:routeKind <https://w3id.org/talentkg/id/route-kind/award> .
  OPTIONAL {
    SELECT ?app ?rule (SAMPLE(?awl) AS ?award) WHERE {
      GRAPH tkg:applicants { ?app tk:holdsAward ?aw }
      ?rule tk:qualifyingAward ?aw . ?aw rdfs:label ?awl FILTER(LANG(?awl) = "en")
    } GROUP BY ?app ?rule
  }
  BIND(IF(BOUND(?award), "met", "not_met") AS ?outcome)
  BIND(IF(BOUND(?award), CONCAT("winner of the ", ?award), "no award named by this clause is listed in the profile") AS ?detail)
  BIND(IRI(CONCAT(STR(?app), "/outcome/", REPLACE(STRAFTER(STR(?rule), "https://w3id.org/talentkg/id/"), "/", "-"))) AS ?node)
}
