"""sparsity"""
