# A user's preferred factor is imported by the user's id.
terraform import idcsmfa_preferred_factor.ci 0f1e2d3c4b5a69788796a5b4c3d2e1f1
