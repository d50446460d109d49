"""nnet"""
