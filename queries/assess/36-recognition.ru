# title: Recognition of permits held elsewhere (assessment step 3f)
# question_en: For each applicant moving from another city, is their current permit's category recognised in the new city without fresh vetting?
# question_zh: 每位从其他城市调动的申请人，其原工作许可类别在新城市是否互认、无需重新审核？
# clause: Guangzhou–Foshan 2026 measures "single-city approval, dual-city recognition" (一地审批、两地互认);
#   MOHRSS 2025 notice "one-time approval, nationwide recognition" (only for unified-standard A talent:
#   undetermined unless that condition can be checked). The condition is written in English and,
#   where the data has it (condition_zh), in Chinese: the zh sentence uses the Chinese text.
# The decision is block recognition, the same text as the library query recognition.
PREFIX tk: <https://w3id.org/talentkg/ontology#>
PREFIX tkg: <https://w3id.org/talentkg/id/graph/>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
INSERT { GRAPH tkg:applicants {
  ?app tk:routeOutcome ?node .
  ?node a tk:RouteOutcome ; tk:outcomeRule ?rule ; tk:grantsCategory ?cat ; tk:outcome ?outcome ; tk:messageCode ?recognition_code ;
        tk:evaluatorKind "recognition" ; tk:outcomeFromCity ?from_city ; tk:outcomeToCity ?to_city ; tk:outcomeCategory ?category ;
        tk:outcomeCondition ?condition , ?condition_label_zh ; tk:outcomeDate ?date .
} }
WHERE {
  GRAPH tkg:applicants {
    ?app a tk:Applicant ; tk:applicationCity ?to_city ; tk:applicationDate ?date ; tk:previousCity ?from_city ; tk:previousCategory ?cat .
  }
  ?cat skos:notation ?category .
  #> block recognition
  ?rule a tk:PermitRecognition ; tk:fromJurisdiction ?_fj ; tk:toJurisdiction ?_tj ; tk:crossJurisdictionOnly ?_cross .
  #> block valid-on fact=?rule as=_r
  ?rule tk:validFrom ?_r_vf .
  FILTER(!(?_r_vf > ?date))
  FILTER NOT EXISTS { ?rule tk:validUntil ?_r_vu FILTER(?date > ?_r_vu) }
  #< block valid-on
  FILTER(!?_cross || ?from_city != ?to_city)
  #> block within place=?from_city area=?_fj
  FILTER EXISTS { ?from_city tk:parentJurisdiction* ?_fj }
  #< block within
  #> block within place=?to_city area=?_tj
  FILTER EXISTS { ?to_city tk:parentJurisdiction* ?_tj }
  #< block within
  FILTER NOT EXISTS { ?rule tk:appliesToCategory ?_rc . ?_rc skos:notation ?_rn FILTER(?_rn != ?category) }
  OPTIONAL { ?rule tk:condition ?condition FILTER(LANG(?condition) != "zh") }
  OPTIONAL { ?rule tk:condition ?condition_label_zh FILTER(LANG(?condition_label_zh) = "zh") }
  BIND(IF(BOUND(?condition), "recognition.conditional", "recognition.met") AS ?recognition_code)
  #< block recognition
  BIND(IF(BOUND(?condition), "undetermined", "met") AS ?outcome)
  BIND(IRI(CONCAT(STR(?app), "/outcome/", REPLACE(STRAFTER(STR(?rule), "https://w3id.org/talentkg/id/"), "/", "-"))) AS ?node)
}
