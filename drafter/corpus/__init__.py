"""Real documents in, structure out: noise removal, segmentation and the outline each speech has."""
