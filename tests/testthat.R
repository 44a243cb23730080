library(testthat)
library(gplvm)

test_check("gplvm")
