# title: Recognition of permits held elsewhere (assessment step 3f)
# question_en: For each applicant moving from another city, is their current permit's category recognised in the new city without fresh vetting?
# question_zh: 每位从其他城市调动的申请人，其原工作许可类别在新城市是否互认、无需重新审核？
# clause: Guangzhou–Foshan 2026 measures "single-city approval, dual-city recognition" (一地审批、两地互认);
#   MOHRSS 2025 notice "one-time approval, nationwide recognition" (only for unified-standard A talent:
#   undetermined unless that condition can be checked). The condition is written in English and,
#   where the data has it (condition_zh), in Chinese: the zh sentence uses the Chinese text.
# The decision is block recognition, the same text as the library query recognition: its part
# recognition-in-force is decided once per transfer context by step 0, its part recognition-terms here.
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
  # the recognition rules in force for the move (the transfer context, step 0: queries/assess/05-contexts.ru)
  GRAPH tkg:applicants {
    ?app a tk:Applicant ; tk:transferContext ?tctx ; tk:previousCategory ?cat .
    ?tctx tk:previousCity ?from_city ; tk:applicationCity ?to_city ; tk:applicationDate ?date ; tk:recognitionInForce ?rule .
  }
  ?cat skos:notation ?category .
  #> block recognition-terms
  FILTER NOT EXISTS { ?rule tk:appliesToCategory ?_rc . ?_rc skos:notation ?_rn FILTER(?_rn != ?category) }
  OPTIONAL { ?rule tk:condition ?condition FILTER(LANG(?condition) != "zh") }
  OPTIONAL { ?rule tk:condition ?condition_label_zh FILTER(LANG(?condition_label_zh) = "zh") }
  BIND(IF(BOUND(?condition), "recognition.conditional", "recognition.met") AS ?recognition_code)
  #< block recognition-terms
  BIND(IF(BOUND(?condition), "undetermined", "met") AS ?outcome)
  BIND(IRI(CONCAT(STR(?app), "/outcome/", REPLACE(STRAFTER(STR(?rule), "https://w3id.org/talentkg/id/"), "/", "-"))) AS ?node)
}
