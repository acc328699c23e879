print("holdout")
