# An employee survey round made from R's own data, and R's survey estimates for it.
#
# Run from the repository root (R 4.2.2, survey 4.1-1: Debian's r-base-core and r-cran-survey):
#   Rscript tests/results/data/api_round.R ../shared/fixtures/api tests/results/data
#
# The round: the 200 schools of the survey package's `apistrat` are 200 respondents of an employee
# survey in a municipality (9990) whose sectors are the school types (E, H, M) and whose units
# split each sector by district (dnum modulo 4, 3, 2). Seven scale questions on 1-5 are cut from
# the schools' figures; a missing acs.46 is "vet ikke" (dk) on q3, a mobility above 25 leaves q6
# unanswered. Headcounts are each unit's respondents plus a fixed number (0 for E-3: a census).
#
# Writes, in the output folder:
#   api_round_units.csv    the org units (Helhet's org-unit CSV: code,name,parent,level,population_2026)
#   api_round_answers.csv  the answers as a paper-answer CSV (`helhet responses import`)
#   api_round_r.csv        R's estimates: one row per org unit (municipality, sector, unit) and
#                          variable (q1..q7, and score_<indicator> for the three indicators):
#                          unit, variable, n, estimate, se, ci_low, ci_high, df,
#                          fav, fav_se, fav_ci_low, fav_ci_high (share of answers >= 4; logit)
# Design: svydesign(id=~1, strata=~unit, fpc=~headcount), na.rm=TRUE. Municipality: svymean;
# sectors and units: svyby (checked equal to svymean on the domain's subset, which keeps the whole
# design). Intervals are t intervals with the domain's degrees of freedom, degf() of the domain's
# answering rows, as analysis reports them (tests/analysis/data/r_extra.R does the same).

suppressMessages(library(survey))
options(survey.lonely.psu = "adjust")
args <- commandArgs(trailingOnly = TRUE)
api_dir <- if (length(args) >= 1) args[1] else "../shared/fixtures/api"
out_dir <- if (length(args) >= 2) args[2] else "tests/results/data"

api <- read.csv(file.path(api_dir, "apistrat.csv"))
root <- "9990"
splits <- c(E = 4, H = 3, M = 2)
api$sector <- paste0(root, "-", api$stype)
api$unit <- paste0(api$sector, "-", api$dnum %% splits[api$stype] + 1)
extra <- c("E-1" = 5, "E-2" = 12, "E-3" = 0, "E-4" = 8, "H-1" = 3, "H-2" = 20, "H-3" = 10,
           "M-1" = 4, "M-2" = 15)
respondents <- table(api$unit)
headcounts <- setNames(as.vector(respondents) + extra[sub(paste0(root, "-"), "", names(respondents))],
                       names(respondents))
api$headcount <- as.vector(headcounts[api$unit])

point <- function(x, breaks) findInterval(x, breaks) + 1          # 1..5
api$q1 <- point(api$api00, c(550, 650, 750, 850))
api$q2 <- point(100 - api$meals, c(20, 40, 60, 80))
api$q3 <- 6 - point(api$acs.46, c(26, 28, 30, 32))                 # NA: "vet ikke"
api$q4 <- point(api$full, c(70, 80, 90, 95))
api$q5 <- point(api$avg.ed, c(2, 2.5, 3, 3.5))
api$q6 <- ifelse(api$mobility > 25, NA, point(api$growth, c(0, 20, 40, 60)))  # NA: unanswered
api$q7 <- point(api$pct.resp, c(50, 70, 85, 95))
items <- paste0("q", 1:7)

# indicators as in api_round_questionnaire.json: the mean of the items answered, if at least
# min_share of them were
indicators <- list(laering = list(items = c("q1", "q2", "q3"), min_share = 0.5),
                   ledelse = list(items = c("q4", "q5"), min_share = 0.5),
                   miljo = list(items = c("q3", "q6"), min_share = 1))
for (key in names(indicators)) {
  ind <- indicators[[key]]
  answered <- rowSums(!is.na(api[ind$items]))
  total <- rowSums(api[ind$items], na.rm = TRUE)
  enough <- answered > 0 & answered >= ind$min_share * length(ind$items) - 1e-9
  api[[paste0("score_", key)]] <- ifelse(enough, total / answered, NA)
}
variables <- c(items, paste0("score_", names(indicators)))
# laering and ledelse have favourable_from 4: their items and scores get a favourable share
favourable <- c("q1", "q2", "q3", "q4", "q5", "score_laering", "score_ledelse")

# the org units and the paper answers
sectors <- sort(unique(api$sector))
units <- sort(unique(api$unit))
tree <- rbind(
  data.frame(code = root, name = "Apistrat kommune", parent = "", level = "municipality",
             population_2026 = sum(headcounts)),
  data.frame(code = sectors, name = paste("Sektor", sub(paste0(root, "-"), "", sectors)), parent = root,
             level = "sector",
             population_2026 = sapply(sectors, function(s) sum(headcounts[startsWith(names(headcounts), paste0(s, "-"))]))),
  data.frame(code = units, name = paste("Enhet", sub(paste0(root, "-"), "", units)),
             parent = sub("-[0-9]+$", "", units), level = "unit", population_2026 = as.vector(headcounts[units]))
)
write.csv(tree, file.path(out_dir, "api_round_units.csv"), row.names = FALSE, quote = FALSE)
paper <- api[c("unit", items)]
paper$q3 <- ifelse(is.na(paper$q3), "dk", paper$q3)
paper$q6 <- ifelse(is.na(paper$q6), "", paper$q6)
write.table(paper, file.path(out_dir, "api_round_answers.csv"), sep = ";", row.names = FALSE,
            quote = FALSE, na = "")

# R's estimates
design <- svydesign(id = ~1, strata = ~unit, fpc = ~headcount, data = api)
rows <- list()
estimate_row <- function(code, variable, inside) {
  answering <- subset(design, inside & !is.na(api[[variable]]))
  n <- sum(inside & !is.na(api[[variable]]))
  # one answer has no standard error (svyby says 0, analysis NaN); Helhet never shows fewer than 3
  if (n < 2) return(NULL)
  formula <- as.formula(paste0("~", variable))
  stat <- svymean(formula, answering)
  df <- degf(answering)
  ci <- if (df >= 1) confint(stat, df = df) else c(NA, NA)
  fav <- c(NA, NA, NA, NA)
  if (variable %in% favourable) {
    p <- svyciprop(as.formula(paste0("~I(", variable, " >= 4)")), answering, method = "logit")
    fav <- c(as.vector(p), SE(p), if (as.vector(p) > 0 && as.vector(p) < 1) as.vector(confint(p)) else c(NA, NA))
  }
  data.frame(unit = code, variable = variable, n = n, estimate = as.vector(coef(stat)),
             se = as.vector(SE(stat)), ci_low = ci[1], ci_high = ci[2], df = df,
             fav = fav[1], fav_se = fav[2], fav_ci_low = fav[3], fav_ci_high = fav[4])
}
for (variable in variables) {
  formula <- as.formula(paste0("~", variable))
  # the municipality: svymean over the whole design
  whole <- svymean(formula, design, na.rm = TRUE)
  rows[[length(rows) + 1]] <- estimate_row(root, variable, rep(TRUE, nrow(api)))
  stopifnot(isTRUE(all.equal(as.vector(coef(whole)), rows[[length(rows)]]$estimate)),
            isTRUE(all.equal(as.vector(SE(whole)), rows[[length(rows)]]$se)))
  # sectors and units: svyby, the same as svymean on the domain's subset
  for (by in c("sector", "unit")) {
    domains <- svyby(formula, as.formula(paste0("~", by)), design, svymean, na.rm = TRUE)
    for (code in sort(unique(api[[by]]))) {
      row <- estimate_row(code, variable, api[[by]] == code)
      if (is.null(row)) next
      stopifnot(isTRUE(all.equal(domains[code, variable], row$estimate)),
                isTRUE(all.equal(domains[code, "se"], row$se)))
      rows[[length(rows) + 1]] <- row
    }
  }
}
out <- do.call(rbind, rows)
write.csv(out, file.path(out_dir, "api_round_r.csv"), row.names = FALSE, na = "")
cat("wrote", nrow(out), "rows\n")
