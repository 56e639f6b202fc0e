# title: Points factors no band matched (assessment step 1b)
# question_en: Which factors of the points scheme in force gave an applicant no points, and was that because the input was missing?
# question_zh: 哪些积分要素未得分？是否因为缺少取值？
# clause: 积分要素计分赋值表（暂行版）— a value outside every band scores 0 (e.g. 年龄 > 60); a required
#   factor with no input makes the total incomplete (a lower bound), never a guess.
PREFIX tk: <https://w3id.org/talentkg/ontology#>
PREFIX tkg: <https://w3id.org/talentkg/id/graph/>
INSERT { GRAPH tkg:applicants {
  ?app tk:factorScore ?score .
  ?score a tk:FactorScore ; tk:scoredFactor ?factor ; tk:points 0 ; tk:inputMissing ?missing .
} }
WHERE {
  # the points scheme in force on the date (step 0, 05-contexts.ru: by its instrument's validity dates)
  GRAPH tkg:applicants { ?app tk:assessmentContext ?_pctx . ?_pctx tk:pointsSchemeInForce ?scheme }
  ?factor tk:inScheme ?scheme ; tk:inputRequired ?required ; tk:profileField ?ffield ; tk:factorCode ?code .
  GRAPH tkg:applicants { ?app a tk:Applicant FILTER EXISTS { ?app tk:pointsInput ?anyInput } }
  BIND(IRI(CONCAT(STR(?app), "/score/", ?code)) AS ?score)
  FILTER NOT EXISTS { GRAPH tkg:applicants { ?app tk:factorScore ?score } }
  BIND(?required && NOT EXISTS { GRAPH tkg:applicants { ?app tk:pointsInput ?i2 . ?i2 tk:profileField ?ffield } } AS ?missing)
}
