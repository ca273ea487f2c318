# Extra reference values for tests/analysis (beyond ../shared/reference/r_survey_api.csv).
#
# Run from the repository root (R 4.2.2, survey 4.1-1, Debian r-cran-survey):
#   Rscript tests/analysis/data/r_extra.R ../shared/fixtures/api tests/analysis/data
# Writes tests/analysis/data/r_extra.csv with columns name, estimate, se, ci_low, ci_high, df.
# Intervals are t intervals with the domain's degrees of freedom, degf() of the domain subset
# (what svyciprop uses under svyby, and what analysis reports).

suppressMessages(library(survey))
args <- commandArgs(trailingOnly = TRUE)
api_dir <- if (length(args) >= 1) args[1] else "../shared/fixtures/api"
out_dir <- if (length(args) >= 2) args[2] else "tests/analysis/data"

apisrs <- read.csv(file.path(api_dir, "apisrs.csv"))
apistrat <- read.csv(file.path(api_dir, "apistrat.csv"))
apiclus1 <- read.csv(file.path(api_dir, "apiclus1.csv"))
employee <- read.csv(file.path(out_dir, "employee_small.csv"))

# a variable with missing values: every 7th row of apistrat
apistrat$api00na <- ifelse(seq_len(nrow(apistrat)) %% 7 == 0, NA, apistrat$api00)
apistrat$yes <- as.numeric(apistrat$sch.wide == "Yes")

rows <- list()
add <- function(name, estimate, se, ci = c(NA, NA), df = NA) {
  rows[[length(rows) + 1]] <<- data.frame(
    name = name, estimate = as.vector(estimate), se = as.vector(se),
    ci_low = as.vector(ci[1]), ci_high = as.vector(ci[2]), df = as.vector(df)
  )
}
# estimate with a t interval on the domain's own degrees of freedom
add_t <- function(name, stat, domain_design, level = 0.95) {
  df <- degf(domain_design)
  ci <- if (df >= 1) confint(stat, level = level, df = df) else c(NA, NA)
  add(name, coef(stat), SE(stat), ci, df)
}

dsrs <- svydesign(id = ~1, fpc = ~fpc, data = apisrs)
dstrat <- svydesign(id = ~1, strata = ~stype, weights = ~pw, data = apistrat, fpc = ~fpc)
dclus1 <- svydesign(id = ~dnum, weights = ~pw, data = apiclus1, fpc = ~fpc)

# whole-design estimates with intervals, and another level
add_t("strat.mean.api00", svymean(~api00, dstrat), dstrat)
add_t("strat.mean.api00.level90", svymean(~api00, dstrat), dstrat, level = 0.90)
add_t("clus1.total.enroll", svytotal(~enroll, dclus1), dclus1)

# domains (svyby keeps the full design; the interval uses degf of the domain)
for (s in c("E", "H", "M")) {
  sub <- subset(dstrat, stype == s)
  add_t(paste0("strat.mean.api00.by_stype.", s), svymean(~api00, sub), sub)
  add_t(paste0("strat.total.enroll.by_stype.", s), svytotal(~enroll, sub), sub)
  for (m in c("logit", "beta")) {
    p <- svyciprop(~I(sch.wide == "Yes"), sub, method = m)
    add(paste0("strat.prop.schwide_yes.by_stype.", s, ".", m), as.vector(p), SE(p), as.vector(confint(p)), degf(sub))
  }
  subc <- subset(dclus1, stype == s)
  add_t(paste0("clus1.mean.api00.by_stype.", s), svymean(~api00, subc), subc)
}
# check that svyby gives the same domain estimates as the subsets
by_check <- svyby(~api00, ~stype, dstrat, svymean)
stopifnot(isTRUE(all.equal(unname(coef(by_check)), sapply(c("E", "H", "M"), function(s)
  unname(coef(svymean(~api00, subset(dstrat, stype == s)))), USE.NAMES = FALSE))))

# missing values: na.rm = TRUE keeps the row in the design
add_t("strat.mean.api00na", svymean(~api00na, dstrat, na.rm = TRUE), subset(dstrat, !is.na(api00na)))
add_t("strat.total.api00na", svytotal(~api00na, dstrat, na.rm = TRUE), subset(dstrat, !is.na(api00na)))
for (s in c("E", "H", "M")) {
  sub <- subset(dstrat, stype == s)
  add_t(paste0("strat.mean.api00na.by_stype.", s), svymean(~api00na, sub, na.rm = TRUE),
        subset(dstrat, stype == s & !is.na(api00na)))
}

# calibration: domains and totals
pop_stype <- data.frame(stype = c("E", "H", "M"), Freq = c(4421, 755, 1018))
pop_sw <- data.frame(sch.wide = c("No", "Yes"), Freq = c(1072, 5122))
dps <- postStratify(dsrs, ~stype, pop_stype)
add_t("srs.poststratify_stype.total.enroll", svytotal(~enroll, dps), dps)
for (s in c("No", "Yes")) {
  sub <- subset(dps, sch.wide == s)
  add_t(paste0("srs.poststratify_stype.mean.api00.by_schwide.", s), svymean(~api00, sub), sub)
}
drk_default <- rake(dsrs, list(~stype, ~sch.wide), list(pop_stype, pop_sw))
add_t("srs.rake_default.mean.api00", svymean(~api00, drk_default), drk_default)
drk <- rake(dsrs, list(~stype, ~sch.wide), list(pop_stype, pop_sw),
            control = list(epsilon = 1e-10, maxit = 50))
add_t("srs.rake_stype_schwide.total.enroll", svytotal(~enroll, drk), drk)
for (s in c("E", "H", "M")) {
  sub <- subset(drk, stype == s)
  add_t(paste0("srs.rake_stype_schwide.mean.api00.by_stype.", s), svymean(~api00, sub), sub)
}
# post-stratification of a stratified design, then a mean
dstrat_ps <- postStratify(dstrat, ~sch.wide, pop_sw)
add_t("strat.poststratify_schwide.mean.api00", svymean(~api00, dstrat_ps), dstrat_ps)

# lonely PSUs: strata = county (13 counties have one school), no fpc
for (opt in c("adjust", "average", "certainty", "remove")) {
  options(survey.lonely.psu = opt)
  dl <- svydesign(id = ~1, strata = ~cname, weights = ~pw, data = apistrat)
  add_t(paste0("lonely.", opt, ".mean.api00"), svymean(~api00, dl), dl)
  add_t(paste0("lonely.", opt, ".total.enroll"), svytotal(~enroll, dl), dl)
  for (s in c("E", "H", "M")) {
    sub <- subset(dl, stype == s)
    add_t(paste0("lonely.", opt, ".mean.api00.by_stype.", s), svymean(~api00, sub), sub)
  }
}

# an employee survey: strata = units, fpc = headcount, "vet ikke" as NA
options(survey.lonely.psu = "adjust")
de <- svydesign(id = ~1, strata = ~unit, fpc = ~headcount, data = employee)
add_t("employee.mean.q1", svymean(~q1, de, na.rm = TRUE), subset(de, !is.na(q1)))
add_t("employee.total.q1", svytotal(~q1, de, na.rm = TRUE), subset(de, !is.na(q1)))
for (u in c("A", "B", "D", "E", "F")) {   # C has one respondent: R gives se 0, we give NaN
  sub <- subset(de, unit == u)
  add_t(paste0("employee.mean.q1.by_unit.", u), svymean(~q1, sub, na.rm = TRUE),
        subset(de, unit == u & !is.na(q1)))
  add_t(paste0("employee.mean.q2.by_unit.", u), svymean(~q2, sub), sub)
}
for (u in c("A", "D", "F")) {
  sub <- subset(de, unit == u)
  for (m in c("logit", "beta")) {
    p <- svyciprop(~I(q2 >= 4), sub, method = m)
    add(paste0("employee.prop.q2_fav.by_unit.", u, ".", m), as.vector(p), SE(p), as.vector(confint(p)), degf(sub))
  }
}
tt <- svyttest(q2 ~ unit, subset(de, unit %in% c("A", "F")))
add("employee.ttest.q2.A_vs_F", -tt$estimate, SE(svyglm(q2 ~ unit, subset(de, unit %in% c("A", "F"))))[2],
    df = tt$parameter)
add("employee.ttest.q2.A_vs_F.p", tt$p.value, NA)

# p.adjust
p <- c(0.01, 0.04, 0.03, 0.005, 0.2, NA, 0.04)
for (m in c("holm", "BH")) {
  adj <- p.adjust(p, method = m)
  for (i in seq_along(p)) add(paste0("padjust.", m, ".", i), adj[i], NA)
}

# Cronbach's alpha and Feldt's interval (base R, the formulas of psych::alpha / psych::alpha.ci)
x <- na.omit(apistrat[, c("pcttest", "api00", "api99", "avg.ed")])
k <- ncol(x)
n <- nrow(x)
alpha <- k / (k - 1) * (1 - sum(apply(x, 2, var)) / var(rowSums(x)))
add("alpha.apistrat4", alpha, NA,
    c(1 - (1 - alpha) * qf(0.975, n - 1, (n - 1) * (k - 1)), 1 - (1 - alpha) * qf(0.025, n - 1, (n - 1) * (k - 1))),
    n)

# binomial intervals at the boundary
for (kn in list(c(0, 10), c(10, 10), c(3, 4))) {
  tag <- paste0("binom.k", kn[1], "n", kn[2])
  add(paste0(tag, ".wilson"), kn[1] / kn[2], NA, prop.test(kn[1], kn[2], correct = FALSE)$conf.int)
  add(paste0(tag, ".exact"), kn[1] / kn[2], NA, binom.test(kn[1], kn[2])$conf.int)
}

out <- do.call(rbind, rows)
write.csv(out, file.path(out_dir, "r_extra.csv"), row.names = FALSE, na = "")
cat("wrote", nrow(out), "rows\n")
