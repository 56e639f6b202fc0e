# title: Points routes of every applicant (assessment step 3b)
# question_en: Does each applicant's points total reach the 85 (A-VI) or 60 (B-VI) points the standard requires?
# question_zh: 每位申请人的积分是否达到A类85分、B类60分？
# clause: 2017 standard A-VI "计点积分在85分以上"; B-VI "得分在60分以上" (以上 includes the bound).
# An incomplete total (a required factor without input) that falls short is undetermined, not "not met".
# A declared total that disagrees with the factors (20-points-total.ru) is undetermined, with both figures.
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
  ?rule tk:minimumPoints ?minp .
  OPTIONAL { GRAPH tkg:applicants { ?app tk:pointsTotal ?total ; tk:pointsComplete ?complete } }
  OPTIONAL { GRAPH tkg:applicants { ?app tk:pointsConflict true ; tk:declaredPoints ?declared ; tk:summedPoints ?summed } }
  BIND(COALESCE(?inclusive, true) AS ?incl)
  BIND(BOUND(?total) && (?total > ?minp || (?incl && ?total = ?minp)) AS ?reached)
  BIND(IF(!BOUND(?total), "undetermined", IF(?reached, "met", IF(?complete, "not_met", "undetermined"))) AS ?outcome)
  BIND(IF(BOUND(?declared), CONCAT("the declared points (", STR(?declared), ") and the sum of points_factors (", STR(?summed),
                                   ") disagree: correct one of them; the route needs ", STR(?minp), " points"),
       IF(!BOUND(?total), "neither points nor points_factors given",
       CONCAT(STR(?total), IF(?reached, " ≥ ", " < "), STR(?minp), " points",
              IF(!?reached && !?complete, " (required factors missing: the total may be higher)", "")))) AS ?detail)
  OPTIONAL { ?rule tk:usesPointsScheme ?based }
  BIND(IRI(CONCAT(STR(?app), "/outcome/", REPLACE(STRAFTER(STR(?rule), "https://w3id.org/talentkg/id/"), "/", "-"))) AS ?node)
}
