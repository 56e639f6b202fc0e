# title: Recognition of permits held elsewhere (assessment step 3f)
# question_en: For each applicant moving from another city, is their current permit's category recognised in the new city without fresh vetting?
# question_zh: 每位从其他城市调动的申请人，其原工作许可类别在新城市是否互认、无需重新审核？
# clause: Guangzhou–Foshan 2026 measures "single-city approval, dual-city recognition" (一地审批、两地互认);
#   MOHRSS 2025 notice "one-time approval, nationwide recognition" (only for unified-standard A talent:
#   undetermined unless that condition can be checked).
# Bounds follow the Chinese wording (Civil Code art. 1259): 以上/不低于/至少/年满 include the bound.
PREFIX tk: <https://w3id.org/talentkg/ontology#>
PREFIX tkd: <https://w3id.org/talentkg/id/>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
INSERT { GRAPH <https://w3id.org/talentkg/id/graph/applicants> {
  ?app tk:routeOutcome ?node .
  ?node a tk:RouteOutcome ; tk:outcomeRule ?rule ; tk:grantsCategory ?cat ; tk:outcome ?outcome ; tk:detail ?detail .
} }
WHERE {
  GRAPH <https://w3id.org/talentkg/id/graph/applicants> {
    ?app a tk:Applicant ; tk:applicationCity ?city ; tk:applicationDate ?date ; tk:previousCity ?prev ; tk:previousCategory ?cat .
  }
  ?rule a tk:PermitRecognition ; tk:fromJurisdiction ?fj ; tk:toJurisdiction ?tj ; tk:validFrom ?rvf ; tk:crossJurisdictionOnly ?cross .
  FILTER(?rvf <= ?date)
  FILTER NOT EXISTS { ?rule tk:validUntil ?rvu FILTER(?date > ?rvu) }
  FILTER(!?cross || ?prev != ?city)
  FILTER EXISTS { ?prev tk:parentJurisdiction* ?fj }
  FILTER EXISTS { ?city tk:parentJurisdiction* ?tj }
  FILTER NOT EXISTS { ?rule tk:appliesToCategory ?rcat FILTER(?rcat != ?cat) }
  OPTIONAL { ?rule tk:condition ?cond }
  ?prev rdfs:label ?prevLabel FILTER(LANG(?prevLabel) = "en")
  ?city rdfs:label ?cityLabel FILTER(LANG(?cityLabel) = "en")
  ?cat skos:notation ?catCode .
  BIND(IF(BOUND(?cond), "undetermined", "met") AS ?outcome)
  BIND(CONCAT("Category ", ?catCode, " permit issued in ", ?prevLabel, " recognised in ", ?cityLabel, " without fresh vetting",
              IF(BOUND(?cond), CONCAT(" — only if: ", STR(?cond)), "")) AS ?detail)
  BIND(IRI(CONCAT(STR(?app), "/outcome/", REPLACE(STRAFTER(STR(?rule), "https://w3id.org/talentkg/id/"), "/", "-"))) AS ?node)
}
