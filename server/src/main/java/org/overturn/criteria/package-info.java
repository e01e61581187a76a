@NullMarked
package org.overturn.criteria;

import org.jspecify.annotations.NullMarked;
