# title: Points factor scores of every applicant (assessment step 1)
# question_en: How many points does each applicant score on each factor of the points scheme in force on the application date (tk:pointsSchemeInForce of its context, step 0)?
# question_zh: 每位申请人在申请日期有效的积分表各要素上各得几分？
# clause: 积分要素计分赋值表（暂行版）, attachment of the 2017 classification standard — each factor
#   scores by its bands; "此项最高 N 分": a factor never exceeds its maximum; extras capped at 5.
# reads: GRAPH tkd:graph/applicants (tk:Applicant, tk:pointsInput); writes tk:FactorScore there for every
#   factor at least one band matched (11-points-unmatched.ru scores the others 0).
# Band rule: a numeric input v matches a band when it lies between the bounds (tk:lowerInclusive /
#   tk:upperInclusive say whether each bound belongs to the band); a stepped band adds
#   FLOOR(v − lower) × pointsPerUnit; a category band matches the token; a work-region band also
#   matches when the application city lies in its regional grouping.
PREFIX tk: <https://w3id.org/talentkg/ontology#>
PREFIX tkg: <https://w3id.org/talentkg/id/graph/>
INSERT { GRAPH tkg:applicants {
  ?app tk:factorScore ?score .
  ?score a tk:FactorScore ; tk:scoredFactor ?factor ; tk:points ?fp ; tk:inputMissing false .
} }
WHERE {
  {
    SELECT ?app ?factor (SUM(?bp) AS ?sum) (MAX(?bp) AS ?best) WHERE {
      {
        # numeric band: the value lies between the bounds; a stepped band adds whole units above its lower bound
        ?band tk:ofFactor ?factor ; tk:points ?p0 ; tk:profileField ?field .
        FILTER NOT EXISTS { ?band tk:matchValue ?anyValue }
        GRAPH tkg:applicants { ?in tk:profileField ?field ; tk:numericValue ?v . ?app tk:pointsInput ?in }
        OPTIONAL { ?band tk:lowerBound ?lo } OPTIONAL { ?band tk:lowerInclusive ?loi }
        OPTIONAL { ?band tk:upperBound ?hi } OPTIONAL { ?band tk:upperInclusive ?hii }
        OPTIONAL { ?band tk:pointsPerUnit ?per }
        FILTER(!BOUND(?lo) || ?v > ?lo || (?v = ?lo && COALESCE(?loi, true)))
        FILTER(!BOUND(?hi) || ?v < ?hi || (?v = ?hi && COALESCE(?hii, false)))
        BIND(?p0 + IF(BOUND(?per), FLOOR(?v - ?lo) * ?per, 0) AS ?bp)
      } UNION {
        # category band: the token matches
        ?band tk:ofFactor ?factor ; tk:points ?p0 ; tk:profileField ?field ; tk:matchValue ?mv .
        GRAPH tkg:applicants { ?in tk:profileField ?field ; tk:tokenValue ?mv . ?app tk:pointsInput ?in }
        BIND(?p0 AS ?bp)
      } UNION {
        # work-region band: the application city lies in the band's regional grouping
        ?band tk:ofFactor ?factor ; tk:points ?p0 ; tk:matchRegionalGrouping ?rg .
        ?region_holder tk:inRegionalGrouping ?rg . ?city tk:parentJurisdiction* ?region_holder .
        GRAPH tkg:applicants { ?app tk:applicationCity ?city . FILTER EXISTS { ?app tk:pointsInput ?anyInput } }
        BIND(?p0 AS ?bp)
      }
    } GROUP BY ?app ?factor
  }
  # the points scheme in force on the date (step 0, 05-contexts.ru: by its instrument's validity dates);
  # after the bands (placed first, Oxigraph joined every band with every applicant: 30× slower)
  ?factor tk:inScheme ?scheme .
  GRAPH tkg:applicants { ?app tk:assessmentContext ?_pctx . ?_pctx tk:pointsSchemeInForce ?scheme }
  ?factor tk:maximumPoints ?max ; tk:aggregation ?agg ; tk:factorCode ?code .
  BIND(IF(?agg = "sum", ?sum, ?best) AS ?raw)
  BIND(IF(?raw > ?max, ?max, ?raw) AS ?fp)
  BIND(IRI(CONCAT(STR(?app), "/score/", ?code)) AS ?score)
}
