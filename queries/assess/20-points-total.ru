# title: Points total of every applicant (assessment step 2)
# question_en: What is each applicant's points total, is it complete, and do a declared total and the factors agree?
# question_zh: 每位申请人的积分总分是多少？要素是否齐全？申报总分与各要素得分是否一致？
# clause: 2017 standard A-VI / B-VI compare the total with the minimum points (step 3). With only a
#   declared total (profile field `points`) it is used as given; with only `points_factors` the
#   factor scores are summed (incomplete when a required factor is missing: a lower bound).
#   With both, they must agree: a complete sum that differs from the declared total, or an
#   incomplete sum already above it, is a conflict — no total is written, both figures are kept
#   (tk:declaredPoints, tk:summedPoints) and the points routes are undetermined (32-points-routes.ru);
#   never one picked silently. An incomplete sum at or below the declared total agrees with it.
PREFIX tk: <https://w3id.org/talentkg/ontology#>
PREFIX tkg: <https://w3id.org/talentkg/id/graph/>
PREFIX tkd: <https://w3id.org/talentkg/id/>
INSERT { GRAPH tkg:applicants {
  ?app tk:pointsTotal ?total ; tk:pointsComplete ?complete ; tk:summedPoints ?summed ; tk:pointsConflict ?conflict .
} }
WHERE {
  GRAPH tkg:applicants {
    ?app a tk:Applicant .
    OPTIONAL { ?app tk:declaredPoints ?declared }
  }
  OPTIONAL {
    SELECT ?app (SUM(?fp) AS ?summed) (MAX(IF(?m, 1, 0)) AS ?anyMissing) WHERE {
      GRAPH tkg:applicants { ?app tk:factorScore ?s . ?s tk:points ?fp ; tk:inputMissing ?m }
    } GROUP BY ?app
  }
  FILTER(BOUND(?declared) || BOUND(?summed))
  BIND(COALESCE(?anyMissing, 1) = 0 AS ?sumComplete)
  BIND(BOUND(?declared) && BOUND(?summed) && ((?sumComplete && ?summed != ?declared) || (!?sumComplete && ?summed > ?declared)) AS ?conflict)
  BIND(IF(?conflict, ?unbound, COALESCE(?declared, ?summed)) AS ?total)
  BIND(IF(?conflict, ?unbound, BOUND(?declared) || ?sumComplete) AS ?complete)
}
