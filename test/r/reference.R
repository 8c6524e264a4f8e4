# Reference values for msgwork's statistics (SPEC 2.3), from R's survival
# package and prop.test. Run:  Rscript test/r/reference.R > test/r/reference.json
# test/statistics-r.test.ts compares src/metrics/survival.ts with this output,
# and re-runs this script when Rscript is installed.
suppressPackageStartupMessages(library(survival))

num <- function(x) ifelse(is.na(x), "null", sprintf("%.17g", x))
vec <- function(x) paste0("[", paste(num(x), collapse = ", "), "]")

# Times in hours to a reply; status 1 = answered, 0 = unanswered (censored at
# the follow-up time). Each fixture names the case it checks.
fixtures <- list(
  # A reply and a censoring at the same time (2 and 4): replies come first.
  ties = list(time = c(1, 2, 2, 3, 4, 4, 5, 6, 8, 9), status = c(1, 1, 0, 1, 1, 0, 1, 0, 1, 0)),
  # S is exactly 0.5 from 2 to 3: the median is the midpoint, 2.5.
  half = list(time = c(1, 2, 3, 4), status = c(1, 1, 1, 1)),
  # Every index message unanswered: S stays 1, no median.
  all_censored = list(time = c(2, 3, 5), status = c(0, 0, 0)),
  # A single answered message.
  single = list(time = c(4), status = c(1)),
  # A larger mix with tied replies and censorings.
  mixed = list(time = c(0.5, 1.25, 1.25, 2, 3.5, 3.5, 3.5, 7, 10, 12, 12, 15, 20, 24, 30, 30, 41, 50, 72, 80),
               status = c(1, 1, 0, 1, 1, 1, 0, 1, 0, 1, 1, 0, 1, 0, 1, 1, 0, 1, 1, 0))
)
bounds <- c(1, 2, 3.5, 10, 24, 72)
levels <- c(95, 90)

cat("{\n  \"bounds\": ", vec(bounds), ",\n  \"kaplan_meier\": {\n", sep = "")
names_ <- names(fixtures)
for (k in seq_along(names_)) {
  f <- fixtures[[names_[k]]]
  cat("    \"", names_[k], "\": {\"time\": ", vec(f$time), ", \"status\": ", vec(f$status), sep = "")
  for (level in levels) {
    fit <- survfit(Surv(f$time, f$status) ~ 1, conf.type = "log-log", conf.int = level / 100)
    s <- summary(fit, times = bounds, extend = TRUE)
    q <- quantile(fit, probs = 0.5, conf.int = TRUE)
    cat(", \"level_", level, "\": {\"surv\": ", vec(s$surv), ", \"lower\": ", vec(s$lower), ", \"upper\": ", vec(s$upper),
        ", \"median\": ", num(q$quantile[1]), ", \"median_lower\": ", num(q$lower[1]), ", \"median_upper\": ", num(q$upper[1]), "}", sep = "")
  }
  cat("}", if (k < length(names_)) "," else "", "\n", sep = "")
}
cat("  },\n  \"wilson\": [\n")
cases <- list(c(8, 10), c(0, 5), c(5, 5), c(290, 298), c(1, 1), c(37, 113))
for (k in seq_along(cases)) {
  x <- cases[[k]][1]; n <- cases[[k]][2]
  ci95 <- prop.test(x, n, correct = FALSE, conf.level = 0.95)$conf.int
  ci90 <- prop.test(x, n, correct = FALSE, conf.level = 0.90)$conf.int
  cat("    {\"x\": ", x, ", \"n\": ", n, ", \"level_95\": ", vec(100 * ci95), ", \"level_90\": ", vec(100 * ci90), "}",
      if (k < length(cases)) "," else "", "\n", sep = "")
}
cat("  ],\n  \"qnorm\": {\"0.975\": ", num(qnorm(0.975)), ", \"0.95\": ", num(qnorm(0.95)), ", \"0.995\": ", num(qnorm(0.995)),
    ", \"0.9995\": ", num(qnorm(0.9995)), "},\n", sep = "")
cat("  \"r_version\": \"", R.version.string, "\", \"survival_version\": \"", as.character(packageVersion("survival")), "\"\n}\n", sep = "")
